"""The only source of "now" in the platform.

`SystemClock` reads the wall clock (the one place that does); `FrozenClock`
stands still until a test moves it; `OffsetClock` runs on from an instant an
admin set in an acceptance run. All instants are timezone-aware UTC;
presentation converts to the agency's zone. `parse_instant` is the one reader
of instants written as ISO 8601 text (stored details, diagram timers).
"""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")  # the platform's zone: Vietnam has one


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock:
    """A clock that moves only when told to (tests, acceptance runs)."""

    def __init__(self, start: datetime | None = None):
        self._now = _aware(start) if start else SystemClock().now()

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> datetime:
        self._now = _aware(instant)
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now = self._now + delta
        return self._now


def parse_instant(value: datetime | str | None) -> datetime | None:
    """An aware UTC instant from a datetime or ISO 8601 text; a naive one is read in
    the platform's zone (Vietnam time); None or empty text gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN)
    return value.astimezone(timezone.utc)


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must carry a UTC offset")
    return instant.astimezone(timezone.utc)


class OffsetClock:
    """Acceptance runs: the wall clock moved by an offset that every process
    (web workers, schedulers) reads from the database at each call, so a moved
    clock is seen at once everywhere. `read_offset()` and `write_offset(delta)`
    are given by the wiring."""

    def __init__(self, read_offset, write_offset):
        self._read, self._write = read_offset, write_offset

    def now(self) -> datetime:
        return SystemClock().now() + self._read()

    def set(self, instant: datetime) -> datetime:
        self._write(_aware(instant) - SystemClock().now())
        return self.now()

    def advance(self, delta: timedelta) -> datetime:
        return self.set(self.now() + delta)
