"""The one-stop life cycle around the BPMN steps (DOMAIN.md, "The dossier's
life"): receiving, sending back or refusing a dossier at reception, the
supplement during processing and its return, the one extension, withdrawal,
stopping, and returning the result. Each is one unit of work that locks the
dossier and moves its status (`engine.dossier.status`), clock, tasks and timers
together with an event; where the diagram's code runs (receiving, the papers
back), it runs before that unit of work (`workflow.in_two_phases`)."""
from ..catalogue.procedures import RETURNED_PAPERS
from ..deadlines import statutory, steps, timers
from ..kernel import events
from ..kernel.errors import Conflict, Forbidden
from ..kernel.uow import unit_of_work
from ..people.access import load_visible_dossier, require_role, within
from ..store.dossiers import Task
from . import status, supplements, workflow
from .intake import receive_now, start_snapshot


def _locked(ctx, session, code):
    return workflow.lock(session, load_visible_dossier(session, ctx.actor, code).id)


def _set(ctx, dossier, to, event, **detail):
    status.move(dossier, to)
    workflow.touch(ctx, dossier)
    events.record(ctx, event, dossier=dossier, detail=detail)
    return dossier


def receive(ctx, code):
    """Receive an online submission waiting as new; its first steps run before
    the dossier is locked (`workflow.in_two_phases`)."""
    require_role(ctx.actor, "reception")

    def prepare():
        dossier = load_visible_dossier(ctx.session, ctx.actor, code)
        status.require(dossier, status.NEW, doing="receive it")
        return start_snapshot(ctx, dossier)

    def finish(dossier, snapshot):
        receive_now(ctx, dossier, snapshot.instance, snapshot.failure)
        return dossier

    return workflow.in_two_phases(ctx, prepare, finish)


def refuse(ctx, code, reason):
    """Refuse at reception: an online submission, or a dossier sent back whose
    papers never came (national status 3, from every channel)."""
    require_role(ctx.actor, "reception")
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code)
        if dossier.received_at is not None:
            raise Conflict(f"Dossier {code} was received: it can be stopped, not refused.")
        _set(ctx, dossier, status.REFUSED, "dossier.refused", reason=reason)
    return dossier


def request_supplement(ctx, code, missing, note):
    """At reception: send the dossier back; during processing: the one supplement.
    Returns (dossier, late)."""
    require_role(ctx.actor, "reception", "officer")
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code)
        workflow.touch(ctx, dossier)
        if dossier.status == status.NEW:
            supplements.send_back(ctx, dossier, missing, note)
            return dossier, False
        status.require(dossier, *status.WORKING, doing="ask for a supplement")
        late = supplements.ask(ctx, dossier, missing, note)
    return dossier, late


def receive_supplement(ctx, code, documents=()):
    """The papers are back: a dossier sent back at reception is now received;
    otherwise the clock and the steps restart or resume per the procedure's
    policy, and a diagram's waiting supplement step is done. The diagram's code
    runs before the dossier is locked (`workflow.in_two_phases`)."""
    require_role(ctx.actor, "reception")
    papers = {RETURNED_PAPERS: list(documents)}

    def prepare():
        dossier = load_visible_dossier(ctx.session, ctx.actor, code)
        status.require(dossier, status.SUPPLEMENT, doing="take a supplement")
        if dossier.received_at is None:
            return start_snapshot(ctx, dossier)
        instance = workflow.load(ctx, dossier)
        shifted = steps.shifter(ctx, dossier.clock_paused_at)
        instance.shift_timers(shifted)  # BPMN timers resume with the time they had left
        snapshot = workflow.Snapshot(dossier.id, dossier.revision, instance,
                                     extra={"shifted": shifted})
        step = supplements.waiting_step(dossier)
        if step is not None:
            workflow.ready_or_conflict(instance, step)
            snapshot.step = workflow.completing(instance, step.id, papers)
            snapshot.extra["step_id"] = step.id
        return snapshot

    def finish(dossier, snapshot):
        if dossier.received_at is None:
            events.record(ctx, "dossier.supplement_received", dossier=dossier,
                          detail={"documents": list(documents)})
            receive_now(ctx, dossier, snapshot.instance, snapshot.failure)
            return dossier
        restart, paused_at = dossier.procedure.clock_policy != "pause", dossier.clock_paused_at
        if restart:
            statutory.start(ctx, dossier)  # restart from zero, the default rule
        else:
            statutory.resume(ctx, dossier)
        # the new appointment, as a receipt's: the reports measure against it
        appointment = dossier.due_at if restart or dossier.extended_to is None else \
            statutory.resumed_appointment(ctx, dossier, paused_at)
        events.record(ctx, "dossier.supplement_received", dossier=dossier,
                      detail={"documents": list(documents), "due_at": appointment.isoformat()})
        steps.resume(ctx, dossier, snapshot.extra["shifted"], restart)
        status.settle(dossier)
        if "step_id" in snapshot.extra:
            workflow.record_completion(ctx, dossier, ctx.session.get(Task, snapshot.extra[
                "step_id"]), papers)
        workflow.write(ctx, dossier, snapshot.instance, snapshot.failure)
        return dossier

    return workflow.in_two_phases(ctx, prepare, finish)


def extend(ctx, code, new_due_at, reason):
    """The one extension, by a leader of the dossier's handling unit."""
    require_role(ctx.actor, "leader")
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code)
        handling = dossier.handling_unit.code
        if "admin" not in ctx.actor.roles and handling not in within(session, ctx.actor):
            raise Forbidden(f"Only a leader of {handling}, the unit handling dossier {code}, "
                            f"may extend it.")
        status.require(dossier, *status.WORKING, doing="extend it")
        statutory.extend(ctx, dossier, new_due_at, reason)
        workflow.touch(ctx, dossier)
    return dossier


def withdraw(ctx, code, reason):
    require_role(ctx.actor, "reception")
    return _close(ctx, code, status.WITHDRAWN, "dossier.withdrawn", reason)


def stop(ctx, code, reason):
    require_role(ctx.actor, "leader")
    return _close(ctx, code, status.STOPPED, "dossier.stopped", reason)


def _close(ctx, code, to, event, reason):
    with unit_of_work(ctx) as session:
        dossier = _locked(ctx, session, code)
        status.require(dossier, *status.OPEN, doing=f"be {to}")
        for task in dossier.open_tasks:
            task.status, task.ended_at = "cancelled", ctx.now()
            events.record(ctx, "task.cancelled", dossier=dossier, task_id=task.id,
                          element_id=task.element_id)
        timers.cancel(session, dossier, ctx.now())
        statutory.stop(ctx, dossier)
        _set(ctx, dossier, to, event, reason=reason)
    return dossier


def return_result(ctx, code, channel, note=""):
    require_role(ctx.actor, "reception")
    with unit_of_work(ctx) as session:
        dossier = _set(ctx, _locked(ctx, session, code), status.RETURNED, "dossier.returned",
                       channel=channel, note=note)
    return dossier
