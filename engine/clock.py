"""The only source of "now" in the platform.

`SystemClock` reads the wall clock (the one place that does); `FrozenClock`
stands still until a test or an acceptance run moves it. All instants are
timezone-aware UTC; presentation converts to the agency's zone.
"""
from datetime import datetime, timedelta, timezone


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


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must carry a UTC offset")
    return instant.astimezone(timezone.utc)
