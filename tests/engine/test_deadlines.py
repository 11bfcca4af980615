"""Due times and the escalation ladder on real dates."""
from datetime import datetime

from engine.calendar import VN, build_calendar
from engine.deadlines import clock_start, ladder, statutory_due, step_due, transfer_by

CAL = build_calendar([2026])


def at(m, d, hh, mm=0):
    return datetime(2026, m, d, hh, mm, tzinfo=VN)


def test_statutory_due_in_each_unit():
    assert statutory_due(at(4, 24, 16), 3, "working_days", CAL) == at(5, 4, 16)
    assert statutory_due(at(4, 24, 16), 4, "hours", CAL) == at(4, 28, 10, 30)
    assert statutory_due(at(4, 24, 16), 5, "days", CAL) == at(4, 29, 17)
    assert statutory_due(at(4, 24, 16), 6, "days", CAL) == at(5, 4, 17)  # 30 Apr is a holiday
    assert clock_start(at(4, 24, 18), CAL) == at(4, 28, 7, 30)


def test_step_due_and_ladder():
    opened = at(4, 24, 9)
    due = step_due(opened, "8h", CAL)
    assert due == at(4, 28, 9)
    assert step_due(opened, None, CAL) is None
    rungs = ladder(opened, due, CAL)
    assert [(r.kind, r.due_at) for r in rungs] == [
        ("reminder", at(4, 24, 16, 30)), ("step_due", at(4, 28, 9)),
        ("escalation", at(4, 29, 9))]
    custom = ladder(opened, due, CAL, {"remind_at": 0, "escalate_after": "2h"})
    assert [(r.kind, r.due_at) for r in custom] == [
        ("step_due", at(4, 28, 9)), ("escalation", at(4, 28, 11))]


def test_transfer_cut_off():
    assert transfer_by(at(4, 24, 14, 59), CAL) == at(4, 24, 17)  # same working day
    assert transfer_by(at(4, 24, 15), CAL) == at(4, 28, 11, 30)  # next working morning
    assert transfer_by(at(4, 25, 9), CAL) == at(4, 28, 11, 30)  # Saturday, then a holiday
