"""Working-time maths against real Vietnamese dates (table-driven)."""
from datetime import date, datetime, timedelta

import pytest

from engine.deadlines.worktime import (VN, add_calendar_days, add_working_days, add_working_time,
                                       build_calendar, next_working_instant, parse_amount,
                                       working_time_between)

CAL = build_calendar()


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.mark.parametrize("day, worked", [
    (date(2026, 2, 13), True),    # Friday before Tết
    (date(2026, 2, 16), False), (date(2026, 2, 17), False), (date(2026, 2, 18), False),
    (date(2026, 2, 19), False), (date(2026, 2, 20), False),  # Tết 2026
    (date(2026, 2, 23), True),
    (date(2026, 4, 27), False),   # Hùng Kings' day observed
    (date(2026, 4, 30), False), (date(2026, 5, 1), False),
    (date(2026, 9, 1), False), (date(2026, 9, 2), False),  # National Day and adjacent day
    (date(2026, 8, 31), False),   # day off swapped ...
    (date(2026, 8, 22), True),    # ... for this Saturday, worked
    (date(2026, 8, 29), False),   # an ordinary Saturday
])
def test_working_days(day, worked):
    assert CAL.is_working_day(day) is worked


@pytest.mark.parametrize("start, days, due", [
    # 3 working days from Friday 24 April 2026 16:00 -> Monday 4 May 16:00
    (at(2026, 4, 24, 16), 3, at(2026, 5, 4, 16)),
    # received after hours: counts from the next session
    (at(2026, 4, 24, 18), 1, at(2026, 4, 28, 17)),
    (at(2026, 2, 13, 9), 2, at(2026, 2, 24, 9)),  # across Tết
    (at(2026, 8, 28, 8), 1, at(2026, 9, 3, 8)),  # across 2 September and its adjacent day
    (at(2026, 8, 21, 17), 1, at(2026, 8, 22, 17)),  # swapped Saturday is worked
    (at(2026, 4, 24, 11, 30), 0.5, at(2026, 4, 24, 17)),  # lunch is not counted
])
def test_add_working_days(start, days, due):
    assert add_working_days(start, days, CAL) == due


def test_override_makes_saturday_a_working_day():
    cal = build_calendar(overrides=[(date(2026, 5, 2), "working_day")])
    assert add_working_days(at(2026, 4, 24, 16), 3, cal) == at(2026, 5, 2, 16)
    off = build_calendar(overrides=[(date(2026, 4, 28), "day_off")])
    assert add_working_days(at(2026, 4, 24, 16), 3, off) == at(2026, 5, 5, 16)


def test_working_time_between_and_next_session():
    assert working_time_between(at(2026, 4, 24, 16), at(2026, 5, 4, 16), CAL) == \
        timedelta(hours=24)
    assert working_time_between(at(2026, 5, 4, 16), at(2026, 4, 24, 16), CAL) == \
        timedelta(hours=-24)
    assert next_working_instant(at(2026, 4, 25, 10), CAL) == at(2026, 4, 28, 7, 30)
    assert next_working_instant(at(2026, 4, 24, 12), CAL) == at(2026, 4, 24, 13)
    assert next_working_instant(at(2026, 4, 24, 9), CAL) == at(2026, 4, 24, 9)
    assert add_working_time(at(2026, 4, 24, 9), timedelta(hours=4), CAL) == \
        at(2026, 4, 24, 14, 30)


def test_calendar_day_deadline_moves_off_days_off():
    assert add_calendar_days(at(2026, 4, 20, 9), 10, CAL) == at(2026, 5, 4, 17)
    assert add_calendar_days(at(2026, 4, 20, 9), 3, CAL) == at(2026, 4, 23, 17)


def test_parse_amount():
    assert parse_amount("2d", CAL) == timedelta(hours=16)
    assert parse_amount("4h", CAL) == timedelta(hours=4)
    assert parse_amount("1.5d", CAL) == timedelta(hours=12)
