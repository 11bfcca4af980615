"""The platform's settings: one frozen, validated object that every service
reads from the context (`ctx.settings`).

Every legal constant lives here with today's default (DOMAIN.md): office
hours, the supplement window and what happens past it, the transfer cut-off,
the escalation ladder, the extension's notice and bound, the scores' grades.
A procedure may set its own policy in `procedure.details` (`supplement_window`,
`late_supplement`, `escalation {remind_at, escalate_after}`, `extension_notice`,
`extension_limit`); `policy_for` merges it over the settings. Values are
checked when they are made, so a bad one stops the start (or the procedure's
creation) with a message naming it.

The platform's own knobs are here too, so services read everything from
`ctx.settings`: the scheduler's tick, lease and batch, the SMTP server of the
e-mail outbox, the log format and level, the event log's audit keys, the
documents' folder, size limit and accepted types, the password hash method.
Secrets (the SMTP password, the audit keys) are left out of `repr`, so a logged
or printed Settings never shows them. The files that default to the data folder
(`audit_key_file`, `document_dir`) are filled in by the configuration, which
knows that folder.
"""
import re
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path, PurePath
from typing import NamedTuple

from .audit import KeyringError
from .audit import parse as parse_keyring

AMOUNT = re.compile(r"^\d+(\.\d+)?[dh]$")
LATE_SUPPLEMENT = ("refuse", "flag")
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
POSITIVE_COUNTS = ("login_failures_per_user", "login_failures_per_address",
                   "login_window_seconds", "public_lookups_per_address",
                   "public_window_seconds", "heartbeat_max_age_seconds",
                   "timer_lease_seconds", "timer_batch", "max_document_bytes")
HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]{1,253}$")
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
HASH_METHOD = re.compile(r"^(scrypt(:\d+:\d+:\d+)?|pbkdf2:sha256(:\d+)?)$")
PROCEDURE_KEYS = ("supplement_window", "late_supplement", "extension_notice",
                  "extension_limit")

# office hours by default: two sessions a working day (DOMAIN.md, "Counting time")
DEFAULT_SESSIONS = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))


class Grades(NamedTuple):
    """The scores' thresholds (`GET /monitor/scores`): an on-time rate at or above
    `good` is good, at or above `fair` fair, below it weak. Defaults in the style of
    the one-stop assessment rules: everything on time is good, 95% fair."""
    good: float = 1.0
    fair: float = 0.95


class SettingError(ValueError):
    """A setting's value is not acceptable; `name` is the setting."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


@dataclass(frozen=True)
class Settings:
    office_hours: tuple = DEFAULT_SESSIONS  # ((start, end), ...) of a working day
    supplement_window: str = "3d"  # working time after reception to ask for a supplement
    late_supplement: str = "refuse"  # past the window: refuse (409) or flag it late
    transfer_cutoff: time = time(15, 0)  # paper dossiers received later go next morning
    remind_at: float = 0.75  # the ladder's reminder, a share of the step's allotment
    escalate_after: str | None = "1d"  # the ladder's escalation after due; None: none
    extension_notice: str = "1d"  # an extension is asked at least this long before due
    extension_limit: str | None = None  # latest new appointment after due; None: statutory
    near_due: str = "0.5d"  # the overdue list's default horizon: due within this working time
    score_grades: Grades = Grades()  # the scores' grades: on-time rates for good and fair
    max_diagram_bytes: int = 2_000_000
    # Throttles (failed logins, public tracking): counts per fixed window, kept in the
    # database so every worker and process shares them.
    login_failures_per_user: int = 5  # wrong passwords for one username per window
    login_failures_per_address: int = 20  # wrong passwords from one address per window
    login_window_seconds: int = 900
    public_lookups_per_address: int = 30  # public tracking requests per address per window
    public_window_seconds: int = 300
    heartbeat_max_age_seconds: int = 30  # /healthz is degraded past this heartbeat age
    # Diagram code (scripts, conditions, timer and multi-instance expressions) runs in
    # worker processes under these bounds (engine/bpmn/sandbox.py); past one: an incident.
    script_cpu_seconds: float = 2.0  # CPU time of one evaluation (to the second above)
    script_wall_seconds: float = 5.0  # wall time of one evaluation and of one engine call
    script_memory_mb: int = 512  # address space of a script worker process
    script_output_bytes: int = 262_144  # JSON a script may store at once (what it changed)
    max_instances: int = 200  # instances of one multi-instance activity
    # The scheduler process (engine/scheduling/scheduler.py): it looks for due timers every tick,
    # claims up to a batch at a time and holds them for the lease before another may.
    scheduler_tick_seconds: float = 1.0
    timer_lease_seconds: int = 60
    timer_batch: int = 100
    # The e-mail outbox (engine/scheduling/mail.py): e-mail is sent only when a host is set.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "motcua@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    # Logs (engine/kernel/logs.py): readable text in development, JSON lines in production.
    log_format: str = "text"
    log_level: str = "INFO"
    password_hash_method: str = "scrypt"  # tests use a fast one; not an environment variable
    # The event log's keys (engine/kernel/audit.py): `audit_key` "id:key,..." (the last
    # current), else the key file (the configuration's default: DATA_DIR/audit_keys).
    audit_key: str | None = field(default=None, repr=False)
    audit_key_file: Path | None = None
    # Documents (engine/dossier/documents.py): their folder (the configuration's default:
    # DATA_DIR/documents), the largest upload, the types accepted (judged by content).
    document_dir: Path | None = None
    max_document_bytes: int = 10_000_000
    document_types: tuple = DOCUMENT_TYPES

    def __post_init__(self):
        _check_sessions(self.office_hours)
        _check_grades(self.score_grades)
        for name in ("supplement_window", "extension_notice", "near_due"):
            _check_amount(name, getattr(self, name))
        for name in ("escalate_after", "extension_limit"):
            if getattr(self, name) is not None:
                _check_amount(name, getattr(self, name))
        if self.late_supplement not in LATE_SUPPLEMENT:
            raise SettingError("late_supplement", "must be 'refuse' or 'flag'")
        if not isinstance(self.transfer_cutoff, time):
            raise SettingError("transfer_cutoff", "must be a time of day like 15:00")
        if not isinstance(self.remind_at, (int, float)) or not 0 <= self.remind_at < 1:
            raise SettingError("remind_at", "must be a share of the allotment, 0 to below 1")
        for name in POSITIVE_COUNTS:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SettingError(name, "must be a whole number, 1 or more")
        _check_script_bounds(self)
        _check_platform(self)
        _check_files(self)

    @classmethod
    def parse(cls, values: dict[str, str]) -> "Settings":
        """Settings from text (environment variables), keyed by field name."""
        known = {f.name for f in fields(cls)}
        parsed = {}
        for name, text in values.items():
            if name not in known:
                raise SettingError(name, "no such setting")
            parsed[name] = _PARSERS.get(name, _text)(name, text.strip())
        return cls(**parsed)


def policy_for(settings: Settings, procedure) -> Settings:
    """The settings with the procedure's own policy laid over them."""
    return with_policy(settings, (procedure.details or {}) if procedure else {})


def with_policy(settings: Settings, details: dict) -> Settings:
    """`settings` with a procedure's `details` policy over them (checked)."""
    changes = {key: details[key] for key in PROCEDURE_KEYS if details.get(key) is not None}
    ladder = details.get("escalation") or {}
    if not isinstance(ladder, dict):
        raise SettingError("escalation", "must be an object {remind_at, escalate_after}")
    unknown = set(ladder) - {"remind_at", "escalate_after"}
    if unknown:
        raise SettingError("escalation", f"unknown keys {', '.join(sorted(unknown))}")
    changes.update(ladder)
    if "escalate_after" in ladder and not ladder["escalate_after"]:
        changes["escalate_after"] = None  # no escalation rung
    if "remind_at" in ladder and not ladder["remind_at"]:
        changes["remind_at"] = 0  # no reminder
    return replace(settings, **changes) if changes else settings


SCRIPT_COUNTS = (("script_memory_mb", 64), ("script_output_bytes", 1024), ("max_instances", 1))


def _check_script_bounds(settings):
    for name, least in SCRIPT_COUNTS:
        value = getattr(settings, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise SettingError(name, f"must be a whole number, {least} or more")
    for name in ("script_cpu_seconds", "script_wall_seconds"):
        value = getattr(settings, name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 600:
            raise SettingError(name, "must be a number of seconds above 0, at most 600")
    if settings.script_wall_seconds < settings.script_cpu_seconds:
        raise SettingError("script_wall_seconds", "must be at least script_cpu_seconds")


def _check_platform(settings):
    """The scheduler's, the outbox's and the logs' settings."""
    tick = settings.scheduler_tick_seconds
    if not isinstance(tick, (int, float)) or isinstance(tick, bool) or not 0 < tick <= 3600:
        raise SettingError("scheduler_tick_seconds", "must be a number of seconds above 0, "
                                                     "at most 3600")
    _check_choice("log_format", settings.log_format, LOG_FORMATS)
    _check_choice("log_level", settings.log_level, LOG_LEVELS)
    if not isinstance(settings.password_hash_method, str) or not HASH_METHOD.match(
            settings.password_hash_method):
        raise SettingError("password_hash_method", "must be scrypt or pbkdf2:sha256[:rounds]")
    _check_smtp(settings)


def _check_smtp(settings):
    if settings.smtp_host is not None and not (
            isinstance(settings.smtp_host, str) and HOST.match(settings.smtp_host)):
        raise SettingError("smtp_host", "must be a host name or address")
    port = settings.smtp_port
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise SettingError("smtp_port", "must be a port number, 1 to 65535")
    if not isinstance(settings.smtp_from, str) or not ADDRESS.match(settings.smtp_from):
        raise SettingError("smtp_from", "must be one e-mail address like motcua@example.vn")
    if not isinstance(settings.smtp_starttls, bool):
        raise SettingError("smtp_starttls", "must be true or false")
    for name in ("smtp_user", "smtp_password"):
        value = getattr(settings, name)
        if value is not None and (not isinstance(value, str) or CONTROL.search(value)):
            raise SettingError(name, "must be text without control characters")
    if settings.smtp_user and not settings.smtp_password:
        raise SettingError("smtp_password", "required when an SMTP user is set")
    if settings.smtp_password and not settings.smtp_user:
        raise SettingError("smtp_user", "required when an SMTP password is set")


def _check_files(settings):
    """The event log's keys and the documents' folder and types."""
    if settings.audit_key is not None:
        if not isinstance(settings.audit_key, str):
            raise SettingError("audit_key", "must be text: id:key entries, comma-separated")
        try:
            parse_keyring(settings.audit_key)
        except KeyringError as exc:
            raise SettingError("audit_key", str(exc)) from None
    for name in ("audit_key_file", "document_dir"):
        value = getattr(settings, name)
        if value is not None and not (isinstance(value, (str, PurePath)) and str(value)
                                      and not CONTROL.search(str(value))):
            raise SettingError(name, "must be a path without control characters")
    types = settings.document_types
    if not (isinstance(types, tuple) and types and all(
            isinstance(kind, str) and MEDIA_TYPE.match(kind) for kind in types)):
        raise SettingError("document_types", "must be media types like application/pdf")


def _check_grades(grades):
    ok = isinstance(grades, tuple) and len(grades) == 2 and all(
        isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
        for value in grades)
    if not ok:
        raise SettingError("score_grades", "must be two fractions 0 to 1 like "
                                           "good=1.0,fair=0.95")
    if grades[1] > grades[0]:
        raise SettingError("score_grades", "fair must not be above good")


def _check_choice(name, value, choices):
    if value not in choices:
        raise SettingError(name, f"must be one of {', '.join(choices)}")


def _check_amount(name, value):
    if not isinstance(value, str) or not AMOUNT.match(value):
        raise SettingError(name, f"{value!r} is not an amount of working time like 3d or 4h")


def _check_sessions(sessions):
    ok = bool(sessions) and all(
        isinstance(s, tuple) and len(s) == 2 and all(isinstance(t, time) for t in s)
        and s[0] < s[1] for s in sessions)
    if ok:
        ok = all(sessions[i][1] <= sessions[i + 1][0] for i in range(len(sessions) - 1))
    if not ok:
        raise SettingError("office_hours", "sessions must be ordered, non-overlapping "
                                           "HH:MM-HH:MM ranges, e.g. 07:30-11:30,13:00-17:00")


def _text(_name, text) -> str:
    return text


def _time(name, text) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise SettingError(name, f"{text!r} is not a time of day like 15:00") from None


def _sessions(name, text) -> tuple:
    try:
        return tuple(tuple(time.fromisoformat(part.strip()) for part in item.split("-"))
                     for item in text.split(","))
    except ValueError:
        raise SettingError(name, f"{text!r} is not like 07:30-11:30,13:00-17:00") from None


def _number(name, text) -> float:
    try:
        return float(text)
    except ValueError:
        raise SettingError(name, f"{text!r} is not a number") from None


def _grades(name, text) -> Grades:
    """`good=1.0,fair=0.95` (both, in any order) as Grades."""
    values = {}
    for item in text.split(","):
        key, _, value = item.partition("=")
        key = key.strip()
        if key not in Grades._fields or key in values:
            raise SettingError(name, f"{text!r} is not like good=1.0,fair=0.95")
        values[key] = _number(name, value.strip())
    if set(values) != set(Grades._fields):
        raise SettingError(name, "needs both good and fair, like good=1.0,fair=0.95")
    return Grades(**values)


def _optional(_name, text) -> str | None:
    return text or None


def _path(_name, text) -> Path | None:
    return Path(text) if text else None


def _flag(name, text) -> bool:
    value = text.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise SettingError(name, f"{text!r} is not true or false (1, 0, true, false, yes, no)")


def _integer(name, text) -> int:
    try:
        return int(text)
    except ValueError:
        raise SettingError(name, f"{text!r} is not a whole number") from None


_PARSERS = {"office_hours": _sessions, "transfer_cutoff": _time, "remind_at": _number,
            "max_diagram_bytes": _integer,
            "extension_limit": lambda name, text: text or None}
_PARSERS["escalate_after"] = _PARSERS["extension_limit"]
_PARSERS.update({name: _integer for name in POSITIVE_COUNTS})
_PARSERS.update({name: _integer for name, _ in SCRIPT_COUNTS})
_PARSERS.update(script_cpu_seconds=_number, script_wall_seconds=_number,
                scheduler_tick_seconds=_number, score_grades=_grades, smtp_port=_integer,
                smtp_host=_optional,
                smtp_user=_optional, smtp_password=_optional, smtp_starttls=_flag,
                audit_key=_optional, audit_key_file=_path, document_dir=_path,
                document_types=lambda name, text: tuple(
                    kind.strip() for kind in text.split(",") if kind.strip()),
                log_format=lambda name, text: text.lower(),
                log_level=lambda name, text: text.upper())
