"""The platform's settings: one frozen, validated object that every service
reads from the context (`ctx.settings`).

Every legal constant lives here with today's default (DOMAIN.md): office
hours, the supplement window and what happens past it, the transfer cut-off,
the escalation ladder, the extension's notice and bound. A procedure may set
its own policy in `procedure.details` (`supplement_window`, `late_supplement`,
`escalation {remind_at, escalate_after}`, `extension_notice`,
`extension_limit`); `policy_for` merges it over the settings. Values are
checked when they are made, so a bad one stops the start (or the procedure's
creation) with a message naming it.
"""
import re
from dataclasses import dataclass, fields, replace
from datetime import time

from .calendar import DEFAULT_SESSIONS

AMOUNT = re.compile(r"^\d+(\.\d+)?[dh]$")
LATE_SUPPLEMENT = ("refuse", "flag")
POSITIVE_COUNTS = ("login_failures_per_user", "login_failures_per_address",
                   "login_window_seconds", "public_lookups_per_address",
                   "public_window_seconds", "heartbeat_max_age_seconds")
PROCEDURE_KEYS = ("supplement_window", "late_supplement", "extension_notice",
                  "extension_limit")


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

    def __post_init__(self):
        _check_sessions(self.office_hours)
        for name in ("supplement_window", "extension_notice"):
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
_PARSERS.update(script_cpu_seconds=_number, script_wall_seconds=_number)
