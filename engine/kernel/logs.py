"""Structured logs: what every log line carries, and how it is written.

This module owns the log context of the work in hand, kept in context
variables: the request id (set per request by the web layer), the job id
(`timer:<id>` while the scheduler fires a timer, `notification:<id>` while
the outbox sends an e-mail) and the dossier code (set where a command or a
job knows its dossier). `ContextFilter` puts the three on every record;
`configure(settings)` installs one handler on the root logger that writes JSON
lines (`log_format = "json"`, production) or readable text (`"text"`). Code
logs through `get(area)` (`motcua.<area>`) with a constant message and the
details as `extra` fields. Nothing personal goes into a line: no names,
identity numbers, addresses, e-mail addresses or form data; `describe(exc)`
gives an error's class and first line, a traceback is written as its frames
and that one line (a database error's later lines quote the statement's
parameters), and e-mail addresses are masked in every line as a last resort.
"""
import logging
import re
import sys
import traceback
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from pythonjsonlogger.json import JsonFormatter

ROOT = "motcua"
CONTEXT = ("request_id", "job_id", "dossier")
_VARS = {name: ContextVar(f"motcua_log_{name}", default=None) for name in CONTEXT}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|[\w.+-]+@localhost\b")
MASK = "<email>"
ALEMBIC_HANDLER = "console"  # engine/store/migrations/alembic.ini's handler on the root
ERROR_CHARS = 300
# Attributes every LogRecord has: whatever else a record carries is an `extra` field.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName", *CONTEXT}


def get(area: str) -> logging.Logger:
    """The logger of one part of the platform: `motcua.<area>`."""
    return logging.getLogger(f"{ROOT}.{area}")


@contextmanager
def bound(**values):
    """Set context fields (`request_id`, `job_id`, `dossier`) for the block; on
    leaving, every field is back to what it was, including those `note_dossier`
    set inside."""
    tokens = enter(**values)
    try:
        yield
    finally:
        leave(tokens)


def enter(**values) -> list:
    """Set context fields; `leave(tokens)` restores them (for request hooks)."""
    return [(_VARS[name], _VARS[name].set(value)) for name, value in values.items()]


def leave(tokens) -> None:
    for var, token in reversed(tokens):
        var.reset(token)


def note_dossier(code: str | None) -> None:
    """The dossier the current command or job works on, until its scope ends."""
    _VARS["dossier"].set(code)


def current() -> dict:
    return {name: var.get() for name, var in _VARS.items()}


def describe(exc: BaseException) -> str:
    """An error for a log line: its class and the first line of its message
    (database errors add their statement and parameters on later lines)."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return mask(text)[:ERROR_CHARS]


def mask(text: str) -> str:
    return EMAIL.sub(MASK, text)


class ContextFilter(logging.Filter):
    """Puts the request id, job id and dossier code on every record (a value
    given as `extra` wins), and masks e-mail addresses in the message."""

    def filter(self, record):
        for name, var in _VARS.items():
            if getattr(record, name, None) is None:
                setattr(record, name, var.get())
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def _extras(record) -> dict:
    return {key: value for key, value in vars(record).items()
            if key not in STANDARD and not key.startswith("_")}


class TextFormatter(logging.Formatter):
    """`2026-04-24T09:00:00.123+07:00 ERROR motcua.scheduler [dossier=... job=...]
    message key=value ...`: one line a record (a traceback follows it)."""

    def format(self, record):
        when = datetime.fromtimestamp(record.created).astimezone()
        context = " ".join(f"{label}={getattr(record, name)}" for name, label in (
            ("request_id", "request"), ("job_id", "job"), ("dossier", "dossier"))
            if getattr(record, name, None) is not None)
        fields = " ".join(f"{key}={_text(value)}" for key, value in _extras(record).items()
                          if value is not None)
        line = " ".join(part for part in (
            when.isoformat(timespec="milliseconds"), record.levelname, record.name,
            f"[{context}]" if context else "", record.getMessage(), fields) if part)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line

    def formatException(self, exc_info):
        return _traceback(exc_info)


def _text(value) -> str:
    text = mask(str(value))
    return f'"{text}"' if " " in text or not text else text


class JsonLineFormatter(JsonFormatter):
    """One JSON object a line: time (UTC), level, logger, message, the context
    fields that are set and the record's `extra` fields."""

    def __init__(self):
        super().__init__("{levelname}{name}{message}", style="{", json_ensure_ascii=False,
                         rename_fields={"levelname": "level", "name": "logger"})

    def add_fields(self, log_data, record, message_dict):
        log_data["time"] = datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(
            timespec="milliseconds").replace("+00:00", "Z")
        super().add_fields(log_data, record, message_dict)
        for key in [key for key, value in log_data.items() if value is None]:
            del log_data[key]

    def formatException(self, exc_info):
        return _traceback(exc_info)


def _traceback(exc_info) -> str:
    """Where it failed (the frames: file, line, code) and `describe(exc)`."""
    _kind, exc, frames = exc_info
    return "".join(["Traceback (most recent call last):\n", *traceback.format_tb(frames),
                    describe(exc)])


class _Stderr(logging.StreamHandler):
    """Writes to the `sys.stderr` of the moment (a test may have replaced it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def formatter(log_format: str) -> logging.Formatter:
    return JsonLineFormatter() if log_format == "json" else TextFormatter()


def handler(log_format: str, stream=None) -> logging.Handler:
    """A handler in the platform's format, with the context filter; to stderr, or
    to `stream` (tests read it)."""
    made = logging.StreamHandler(stream) if stream is not None else _Stderr()
    made.setFormatter(formatter(log_format))
    made.addFilter(ContextFilter())
    return made


def configure(settings) -> None:
    """Install the platform's handler on the root logger (again: replaced, not
    added), and the level of the `motcua` loggers. Other libraries stay at
    their own levels (WARNING by default), so SQL and its parameters are never
    logged. A migration replaces the root's handlers with alembic.ini's
    `console` one: call this again after one (start-up does), which drops it."""
    root = logging.getLogger()
    for old in [h for h in root.handlers
                if getattr(h, "motcua", False) or h.get_name() == ALEMBIC_HANDLER]:
        root.removeHandler(old)
    installed = handler(settings.log_format)
    installed.motcua = True  # the one `configure` replaces
    root.addHandler(installed)
    logging.getLogger(ROOT).setLevel(settings.log_level)
    logging.getLogger("alembic").setLevel(logging.INFO)  # which migrations ran, as alembic.ini


def adopt(settings, *loggers) -> None:
    """Write other loggers' lines (gunicorn's own) in the platform's format."""
    for logger in loggers:
        for each in logger.handlers:
            each.setFormatter(formatter(settings.log_format))
            each.addFilter(ContextFilter())
