"""The one-stop life cycle around the BPMN steps (DOMAIN.md, "The dossier's
life"): receiving or refusing an online submission, supplement requests and
their return, the one extension, withdrawal, stopping, and returning the
result. Each is one unit of work that locks the dossier, checks its state,
and moves its status, national status code, clock, tasks and timers together
with an event."""
from datetime import timedelta

from . import dossier_clock, events, timers, workflow
from .access import load_visible_dossier, require_role
from .calendar import working_time_between
from .deadlines import clock_start
from .dossiers import receive_now
from .errors import Conflict
from .uow import unit_of_work
from .workcalendar import calendar_for

NATIONAL = {"new": 1, "received": 2, "refused": 3, "processing": 4, "supplement": 5,
            "withdrawn": 7, "stopped": 8, "resolved": 9, "returned": 10}
OPEN = ("received", "processing", "incident")
SUPPLEMENT_WINDOW = timedelta(hours=24)  # 3 working days of 8 hours


def _locked(ctx, session, code, *states):
    dossier = workflow.lock(session, load_visible_dossier(session, ctx.actor, code).id)
    if states and dossier.status not in states:
        raise Conflict(f"Dossier {code} is {dossier.status}: not possible now.")
    return dossier


def _set(ctx, dossier, status, event, **detail):
    dossier.status, dossier.national_status = status, NATIONAL[status]
    workflow.touch(ctx, dossier)
    events.record(ctx, event, dossier=dossier, detail=detail)
    return dossier


def receive(ctx, code):
    require_role(ctx.actor, "reception")
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code, "new")
        receive_now(ctx, dossier)
    return dossier


def refuse(ctx, code, reason):
    require_role(ctx.actor, "reception")
    with unit_of_work(ctx) as session:
        dossier = _set(ctx, _locked(ctx, session, code, "new"), "refused", "dossier.refused",
                       reason=reason)
    return dossier


def request_supplement(ctx, code, missing, note, late_policy="refuse"):
    """Everything missing in one notice; refused (or flagged) after 3 working days."""
    require_role(ctx.actor, "reception", "officer")
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code, *OPEN)
        cal = calendar_for(session)
        spent = working_time_between(clock_start(dossier.received_at, cal), ctx.now(), cal)
        late = spent > SUPPLEMENT_WINDOW
        if late and late_policy == "refuse":
            raise Conflict("A supplement may be requested within 3 working days of reception.")
        dossier_clock.pause(ctx, dossier)
        _set(ctx, dossier, "supplement", "dossier.supplement_requested", missing=missing,
             note=note, late=late)
    return dossier, late


def receive_supplement(ctx, code, documents=()):
    """The complete dossier is back: the clock resumes or restarts per policy."""
    require_role(ctx.actor, "reception")
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code, "supplement")
        if dossier.procedure.clock_policy == "pause":
            dossier_clock.resume(ctx, dossier)
        else:
            dossier_clock.start(ctx, dossier)  # restart from zero, the 2018 rule
        status = "processing" if any(t.status == "completed" for t in dossier.tasks) \
            else "received"
        _set(ctx, dossier, status, "dossier.supplement_received", documents=list(documents),
             due_at=dossier.due_at.isoformat())
    return dossier


def extend(ctx, code, new_due_at, reason):
    require_role(ctx.actor, "leader")
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code, *OPEN)
        dossier_clock.extend(ctx, dossier, new_due_at, reason)
        workflow.touch(ctx, dossier)
    return dossier


def withdraw(ctx, code, reason):
    require_role(ctx.actor, "reception")
    return _close(ctx, code, "withdrawn", "dossier.withdrawn", reason)


def stop(ctx, code, reason):
    require_role(ctx.actor, "leader")
    return _close(ctx, code, "stopped", "dossier.stopped", reason)


def _close(ctx, code, status, event, reason):
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code, "new", "supplement", *OPEN)
        for task in dossier.open_tasks:
            task.status, task.ended_at = "cancelled", ctx.now()
            events.record(ctx, "task.cancelled", dossier=dossier, task_id=task.id,
                          element_id=task.element_id)
        timers.cancel(session, dossier, ctx.now())
        dossier_clock.stop(ctx, dossier)
        _set(ctx, dossier, status, event, reason=reason)
    return dossier


def return_result(ctx, code, channel, note=""):
    require_role(ctx.actor, "reception")
    with unit_of_work(ctx) as session:
        dossier = _set(ctx, _locked(ctx, session, code, "resolved"), "returned",
                       "dossier.returned", channel=channel, note=note)
    return dossier
