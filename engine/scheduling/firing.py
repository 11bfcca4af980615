"""What a due timer does, by kind. Runs inside the scheduler's unit of work,
after the dossier's row lock, so the change, its events and `fired_at`
commit together.

- `bpmn`: the engine moves on (a boundary or intermediate timer fires); its
  diagram code runs before that unit of work, with no lock held (`fire_bpmn`).
- `reminder`: the assignee is told the step is due soon (`task.due_soon`).
- `step_due`: the step is marked overdue; the leaders of its unit are told.
- `escalation`: supervisors of its unit or an ancestor unit are told.
- `dossier_due`: the dossier is marked overdue; its handling unit's leaders
  and supervisors are told.
"""
from contextvars import ContextVar

from ..dossier import status, workflow
from ..kernel import events
from ..store.dossiers import Dossier
from ..store.people import Unit
from ..store.timers import Timer
from .notifications import notify, users_for


def fire(ctx, timer, dossier):
    HANDLERS[timer.kind](ctx, timer, dossier)


def give_up(ctx, timer, dossier):
    """A timer that kept failing: the dossier shows an incident to retry."""
    dossier.incident = {"element_id": timer.element_id, "timer_id": timer.id,
                        "message": f"{timer.kind} timer failed {timer.attempts} times: "
                                   f"{timer.last_error}", "at": ctx.now().isoformat()}
    if dossier.status in (status.RECEIVED, status.PROCESSING):
        status.move(dossier, status.INCIDENT)
    workflow.touch(ctx, dossier)
    events.record(ctx, "timer.failed", dossier=dossier, element_id=timer.element_id,
                  detail={"timer_id": timer.id, "error": timer.last_error})


def fire_bpmn(ctx, timer_id, owner, win) -> bool:
    """A BPMN timer: the engine moves on from a snapshot of the dossier with no
    lock held (its diagram code may run for seconds), then the firing is
    written if the dossier is still as read (`workflow.in_two_phases`). False
    when `win(session)` finds the lease passed to another scheduler."""
    def prepare():
        timer = ctx.session.get(Timer, timer_id)
        dossier = ctx.session.get(Dossier, timer.dossier_id)
        snapshot = workflow.Snapshot(dossier.id, dossier.revision)
        ours = timer.lock_owner == owner and timer.fired_at is None and timer.cancelled_at is None
        if ours and dossier.status in status.WORKING:
            snapshot.instance = workflow.load(ctx, dossier)
        return snapshot

    def finish(dossier, snapshot):
        if not win(ctx.session):
            return False
        token = _RAN.set(snapshot)
        try:
            fire(ctx, ctx.session.get(Timer, timer_id, populate_existing=True), dossier)
        finally:
            _RAN.reset(token)
        return True

    return workflow.in_two_phases(ctx, prepare, finish)


# The engine's run of the BPMN timer being written (set by `fire_bpmn` around `fire`).
_RAN: ContextVar = ContextVar("motcua_bpmn_timer_run", default=None)


def _bpmn(ctx, timer, dossier):
    if dossier.status not in status.WORKING:
        return  # closed, not yet received, or waiting for a supplement (held)
    events.record(ctx, "timer.fired", dossier=dossier, element_id=timer.element_id,
                  detail={"timer_id": timer.id, "due_at": timer.due_at.isoformat()})
    ran = _RAN.get()  # the engine ran on the dossier as it still is (`fire_bpmn`)
    if ran is None or ran.instance is None:  # read otherwise: retried at the next tick
        raise RuntimeError(f"timer {timer.id} fired without the engine's run on its dossier")
    workflow.write(ctx, dossier, ran.instance, ran.failure)


def _open_task(dossier, timer):
    return next((t for t in dossier.tasks if t.id == timer.task_id and t.status == "open"), None)


def _reminder(ctx, timer, dossier):
    task = _open_task(dossier, timer)
    if task is None or task.assignee is None:
        return
    notify(ctx, [task.assignee], "task.due_soon", params=_about(dossier, task),
           dossier=dossier, task_id=task.id, timer_id=timer.id, email=True)
    events.record(ctx, "task.reminded", dossier=dossier, task_id=task.id,
                  element_id=task.element_id, detail={"assignee": task.assignee.username})


def _step_due(ctx, timer, dossier):
    task = _open_task(dossier, timer)
    if task is not None:
        task.overdue_at = ctx.now()
        _tell_up_the_tree(ctx, timer, dossier, task, "leader", "task.overdue", "task.overdue")


def _escalation(ctx, timer, dossier):
    task = _open_task(dossier, timer)
    if task is not None:
        _tell_up_the_tree(ctx, timer, dossier, task, "supervisor", "task.escalated",
                          "dossier.escalated")


def _tell_up_the_tree(ctx, timer, dossier, task, role, notification, event):
    """Notify the nearest holders of `role` above the task's groups, and log it."""
    people = _up_the_tree(ctx.session, task.candidate_groups or _handling(dossier), role)
    sent = notify(ctx, people, notification, params=_about(dossier, task), dossier=dossier,
                  task_id=task.id, timer_id=timer.id, email=True)
    events.record(ctx, event, dossier=dossier, task_id=task.id, element_id=task.element_id,
                  detail={"notified": _names(n.user for n in sent)})


def _handling(dossier):
    return [dossier.handling_unit.code]


def _dossier_due(ctx, timer, dossier):
    if dossier.resolved_at is not None or dossier.clock_state != "running":
        return
    dossier.overdue_at = ctx.now()
    people = (_up_the_tree(ctx.session, _handling(dossier), "leader")
              + _up_the_tree(ctx.session, _handling(dossier), "supervisor"))
    sent = notify(ctx, people, "dossier.overdue", params=_about(dossier), dossier=dossier,
                  timer_id=timer.id, email=True)
    events.record(ctx, "dossier.overdue", dossier=dossier,
                  detail={"notified": _names(n.user for n in sent)})


def _up_the_tree(session, codes, role):
    """Users with `role` in the nearest of these units (or their ancestors) that has any."""
    level = set(codes)
    while level:
        found = users_for(session, sorted(level), role)
        if found:
            return found
        units = session.query(Unit).filter(Unit.code.in_(level)).all()
        level = {unit.parent.code for unit in units if unit.parent is not None}
    return []


def _names(users):
    return sorted(user.username for user in users)


def _about(dossier, task=None) -> dict:
    """A notification's parameters: names and codes, the due instant as ISO text
    (`api.labels.MESSAGES` words them in the reader's language)."""
    due = (task or dossier).due_at
    about = {"dossier": dossier.code, "due_at": due.isoformat() if due else None}
    return about if task is None else {**about, "task": task.name}


HANDLERS = {"bpmn": _bpmn, "reminder": _reminder, "step_due": _step_due,
            "escalation": _escalation, "dossier_due": _dossier_due}
