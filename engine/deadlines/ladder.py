"""Due times: the dossier's statutory clock, each step's allotment, and the
escalation ladder, computed on the working calendar.

Pure functions of an instant, a procedure or task, a policy and a calendar;
the services store what they return as instants and timer rows.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from .worktime import (WorkCalendar, add_calendar_days, add_working_days, add_working_time,
                       next_working_instant, parse_amount, working_time_between)


@dataclass(frozen=True)
class Rung:
    kind: str  # reminder | step_due | escalation
    due_at: datetime


def clock_start(received_at: datetime, cal: WorkCalendar) -> datetime:
    """After-hours reception starts the clock at the next working session."""
    return next_working_instant(received_at, cal)


def transfer_by(received_at: datetime, cal: WorkCalendar, cutoff: time) -> datetime:
    """When a received paper dossier must reach the competent unit: the same
    working day, or the next working morning if received after the cut-off."""
    local = received_at.astimezone(cal.zone)
    if cal.is_working_day(local.date()) and local.time() < cutoff:
        return datetime.combine(local.date(), cal.sessions[-1][1], cal.zone)
    day = local.date() + timedelta(days=1)
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, cal.sessions[0][1], cal.zone)


def statutory_due(start: datetime, value: int, unit: str, cal: WorkCalendar) -> datetime:
    """The due time of a statutory time counted from `start` (the instant of
    reception): working time from the next working session, or calendar days
    from the day after."""
    if unit == "working_days":
        return add_working_days(start, value, cal)
    if unit == "hours":
        return add_working_time(start, timedelta(hours=value), cal)
    return add_calendar_days(start, value, cal)


def step_due(opened_at: datetime, allotment: str | None, cal: WorkCalendar):
    return add_working_time(opened_at, parse_amount(allotment, cal), cal) if allotment else None


def ladder(opened_at: datetime, due_at: datetime, cal: WorkCalendar, policy) -> list[Rung]:
    """Reminder (after `policy.remind_at` of the allotment), overdue mark at
    due, and escalation `policy.escalate_after` working time later."""
    allotted = working_time_between(opened_at, due_at, cal)
    rungs = []
    if policy.remind_at and allotted > timedelta():
        rungs.append(Rung("reminder", add_working_time(opened_at, allotted * policy.remind_at,
                                                       cal)))
    rungs.append(Rung("step_due", due_at))
    if policy.escalate_after:
        later = add_working_time(due_at, parse_amount(policy.escalate_after, cal), cal)
        rungs.append(Rung("escalation", later))
    return rungs
