"""Due times and the escalation ladder on real dates."""
from datetime import datetime, time

from engine.deadlines.worktime import VN, build_calendar
from engine.deadlines.ladder import clock_start, ladder, statutory_due, step_due, transfer_by
from engine.kernel.settings import Settings, with_policy

CAL = build_calendar()
DEFAULTS = Settings()


def at(m, d, hh, mm=0):
    return datetime(2026, m, d, hh, mm, tzinfo=VN)


def test_statutory_due_in_each_unit():
    assert statutory_due(at(4, 24, 16), 3, "working_days", CAL) == at(5, 4, 16)
    assert statutory_due(at(4, 24, 16), 4, "hours", CAL) == at(4, 28, 10, 30)
    assert statutory_due(at(4, 24, 16), 5, "days", CAL) == at(4, 29, 17)
    assert statutory_due(at(4, 24, 16), 6, "days", CAL) == at(5, 4, 17)  # 30 Apr is a holiday
    assert clock_start(at(4, 24, 18), CAL) == at(4, 28, 7, 30)


def test_calendar_days_count_from_the_day_after_reception():
    # received Saturday 25 April: day 1 is Sunday 26, day 8 Sunday 3 May, moved
    # to the close of office hours on Monday 4 May (Civil Code, art. 147)
    assert statutory_due(at(4, 25, 10), 8, "days", CAL) == at(5, 4, 17)
    # received on a working day after hours: still counted from the next day
    assert statutory_due(at(5, 4, 18), 1, "days", CAL) == at(5, 5, 17)


def test_step_due_and_ladder():
    opened = at(4, 24, 9)
    due = step_due(opened, "8h", CAL)
    assert due == at(4, 28, 9)
    assert step_due(opened, None, CAL) is None
    rungs = ladder(opened, due, CAL, DEFAULTS)
    assert [(r.kind, r.due_at) for r in rungs] == [
        ("reminder", at(4, 24, 16, 30)), ("step_due", at(4, 28, 9)),
        ("escalation", at(4, 29, 9))]
    policy = with_policy(DEFAULTS, {"escalation": {"remind_at": 0, "escalate_after": "2h"}})
    custom = ladder(opened, due, CAL, policy)
    assert [(r.kind, r.due_at) for r in custom] == [
        ("step_due", at(4, 28, 9)), ("escalation", at(4, 28, 11))]


def test_transfer_cut_off():
    cutoff = DEFAULTS.transfer_cutoff
    assert transfer_by(at(4, 24, 14, 59), CAL, cutoff) == at(4, 24, 17)  # same working day
    assert transfer_by(at(4, 24, 15), CAL, cutoff) == at(4, 28, 11, 30)  # next working morning
    assert transfer_by(at(4, 25, 9), CAL, cutoff) == at(4, 28, 11, 30)  # Saturday, a holiday
    assert transfer_by(at(4, 24, 15), CAL, time(16, 0)) == at(4, 24, 17)  # a later cut-off
