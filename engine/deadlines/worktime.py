"""Working-time maths on the Vietnamese working calendar: pure functions.

A `WorkCalendar` says which days are worked (weekdays, minus public holidays,
plus make-up working days, for any year) and the office sessions of a working
day. Time is
counted in working hours: a working day is the sum of its sessions (8 hours by
default). Every function takes the instant and the calendar as arguments and
reads no clock. `build_calendar` merges the `holidays` package's VN data with
an administrator's overrides, which win.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_data

from ..kernel.clock import VN
from ..kernel.settings import DEFAULT_SESSIONS

MAX_DAYS_SCANNED = 3660  # ten years: no deadline lies further out


@dataclass(frozen=True)
class WorkCalendar:
    """Weekdays minus public holidays plus make-up days, for any year (the
    `holidays` data of a year is read the first time a day of it is asked);
    the administrator's overrides win over both."""
    days_off: frozenset = frozenset()  # overrides: extra days off
    working_days: frozenset = frozenset()  # overrides: make-up working days
    sessions: tuple = DEFAULT_SESSIONS
    weekdays: frozenset = frozenset(range(5))  # Monday..Friday
    zone: ZoneInfo = field(default=VN)
    public_holidays: bool = True  # False: weekdays and overrides only

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        holidays, make_up = public_year(day.year) if self.public_holidays else ((), ())
        if day in make_up:
            return True
        return day.weekday() in self.weekdays and day not in holidays

    @property
    def day_length(self) -> timedelta:
        return sum((_span(start, end) for start, end in self.sessions), timedelta())


@lru_cache(maxsize=64)
def public_year(year: int) -> tuple[frozenset, frozenset]:
    """The `holidays` package's VN days off and swapped working Saturdays of a year."""
    data = holiday_data.country_holidays("VN", years=[year])
    return (frozenset(data),
            frozenset(day for day in data.weekend_workdays if day.year == year))


def build_calendar(overrides=(), sessions=DEFAULT_SESSIONS) -> WorkCalendar:
    """VN public holidays and swapped Saturdays, then the overrides.

    `overrides` are `(date, kind)` pairs, kind `day_off` or `working_day`.
    """
    days_off = frozenset(day for day, kind in overrides if kind == "day_off")
    working = frozenset(day for day, kind in overrides if kind != "day_off")
    return WorkCalendar(days_off, working - days_off, tuple(sessions))


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _sessions_of(day: date, cal: WorkCalendar):
    """The day's office sessions as aware instants (none on a day off)."""
    if not cal.is_working_day(day):
        return []
    return [(datetime.combine(day, start, cal.zone), datetime.combine(day, end, cal.zone))
            for start, end in cal.sessions]


def _sessions_from(instant: datetime, cal: WorkCalendar):
    """Every session (or the rest of one) from `instant` on, in order."""
    local = instant.astimezone(cal.zone)
    for offset in range(MAX_DAYS_SCANNED):
        for start, end in _sessions_of(local.date() + timedelta(days=offset), cal):
            if end > local:
                yield max(start, local), end
    raise ValueError("no working time within ten years: check the calendar")


def is_working_instant(instant: datetime, cal: WorkCalendar) -> bool:
    """Within an office session of a working day (its start and end included)."""
    local = instant.astimezone(cal.zone)
    return any(start <= local <= end for start, end in _sessions_of(local.date(), cal))


def next_working_instant(instant: datetime, cal: WorkCalendar) -> datetime:
    """`instant` if it is within office hours, else the start of the next session."""
    return next(_sessions_from(instant, cal))[0]


def add_working_time(instant: datetime, amount: timedelta, cal: WorkCalendar) -> datetime:
    """The instant when `amount` of working time has elapsed after `instant`."""
    if amount < timedelta():
        raise ValueError("working time to add must not be negative")
    if amount == timedelta():
        return next_working_instant(instant, cal)
    left = amount
    for start, end in _sessions_from(instant, cal):
        if end - start >= left:
            return start + left
        left -= end - start
    raise AssertionError("unreachable")  # pragma: no cover - _sessions_from raises first


def add_working_days(instant: datetime, days: float, cal: WorkCalendar) -> datetime:
    return add_working_time(instant, cal.day_length * days, cal)


def working_time_between(start: datetime, end: datetime, cal: WorkCalendar) -> timedelta:
    """Working time in [start, end); negative when end is before start."""
    if end < start:
        return -working_time_between(end, start, cal)
    total = timedelta()
    for session_start, session_end in _sessions_from(start, cal):
        if session_start >= end:
            break
        total += min(session_end, end) - session_start
    return total


def add_calendar_days(instant: datetime, days: int, cal: WorkCalendar) -> datetime:
    """A calendar-day deadline counted from the day after `instant` (Civil Code,
    art. 147: day 1 is the next day, so day N is N days after `instant`'s day):
    the end of office hours that day, moved to the end of the next working day
    when that day is not worked."""
    day = instant.astimezone(cal.zone).date() + timedelta(days=days)
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, cal.sessions[-1][1], cal.zone)


def parse_amount(text: str, cal: WorkCalendar) -> timedelta:
    """An allotment such as `2d`, `4h` or `1.5d` as working time."""
    number, unit = float(text[:-1]), text[-1]
    if unit not in ("d", "h") or number < 0:
        raise ValueError(f"not an amount of working time like 2d or 4h: {text!r}")
    return cal.day_length * number if unit == "d" else timedelta(hours=number)
