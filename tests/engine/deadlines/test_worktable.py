"""The working-time table (`engine.deadlines.worktable`) gives what
`worktime.working_time_between` gives, on real dates (holidays, make-up days,
lunch, nights), for the overdue list, the heatmap and the data generator."""
import random
from datetime import date, datetime, timedelta

import pytest

from engine.deadlines.worktable import WorkTable
from engine.deadlines.worktime import build_calendar, working_time_between

from ...conftest import VN

HOUR = timedelta(hours=1)
# Mon 27 Apr 2026 is Hùng Kings day; 30 Apr and 1 May are holidays; the overrides make
# Sat 9 May a make-up working day and Tue 12 May a day off
CAL = build_calendar([(date(2026, 5, 9), "working_day"), (date(2026, 5, 12), "day_off")])


def vn(month, day, hour=0, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.mark.parametrize("start, end, hours", [
    (vn(5, 8, 16), vn(5, 11, 8, 30), 10.0),  # Fri 16-17, make-up Saturday, Mon 07:30-08:30
    (vn(5, 8, 16, 30), vn(5, 8, 17, 30), 0.5),  # until the day's close
    (vn(5, 11, 11), vn(5, 11, 13, 30), 1.0),  # lunch is not worked
    (vn(5, 11, 12), vn(5, 11, 12, 30), 0),  # within lunch
    (vn(5, 11, 13), vn(5, 13, 8), 4.5),  # Mon afternoon, Tue off, Wed 07:30-08:00
    (vn(4, 24, 16), vn(4, 28, 8, 30), 2.0),  # Fri 16-17, holiday Monday, Tue 07:30-08:30
    (vn(4, 29, 9), vn(5, 4, 9), 8.0),  # Wed 9-17 (6.5 h); 30 Apr, 1 May, weekend; Mon 1.5 h
    (vn(5, 11, 8), vn(5, 11, 8), 0),
    (vn(5, 11, 9), vn(5, 11, 8), -1.0),  # backwards: negative
])
def test_the_table_gives_working_time_on_real_dates(start, end, hours):
    got = WorkTable.spanning(CAL, [start, end]).between(start, end)
    assert got == working_time_between(start, end, CAL)
    assert got / HOUR == hours


def test_friday_afternoon_to_monday_morning_on_the_default_calendar():
    table = WorkTable(build_calendar(), date(2026, 5, 1), date(2026, 5, 31))
    assert table.between(vn(5, 8, 16), vn(5, 11, 8, 30)) / HOUR == 2.0
    assert table.between(vn(5, 8, 16, 30), vn(5, 11, 8, 30)) / HOUR == 1.5


def test_the_table_agrees_with_the_walk_on_random_instants():
    rng = random.Random(11)
    base = vn(1, 1)
    pairs = []
    for _ in range(400):
        start = base + timedelta(seconds=rng.randrange(0, 200 * 86400),
                                 microseconds=rng.randrange(10**6))
        pairs.append((start, start + timedelta(seconds=rng.randrange(0, 20 * 86400))))
    table = WorkTable.spanning(CAL, [instant for pair in pairs for instant in pair])
    for start, end in pairs:
        assert table.between(start, end) == working_time_between(start, end, CAL), (start, end)


def test_an_instant_outside_the_table_is_refused():
    table = WorkTable(CAL, date(2026, 5, 1), date(2026, 5, 2))
    with pytest.raises(ValueError):
        table.offset(vn(5, 3, 9))
