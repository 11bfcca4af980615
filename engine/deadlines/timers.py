"""Timer rows: scheduling, cancelling and projecting BPMN timers.

Called inside a service's unit of work (flush only). BPMN timers are
projected from the instance at every state write; the ladder and dossier
timers are scheduled when a task opens or a dossier is received, and
cancelled when what they watch is over.
"""
from sqlalchemy import select

from ..kernel.clock import parse_instant
from ..store.timers import Timer


def schedule(session, dossier, kind, due_at, *, task_id=None, element_id=None, detail=None):
    timer = Timer(kind=kind, dossier_id=dossier.id, task_id=task_id, element_id=element_id,
                  due_at=due_at, attempts=0, detail=detail or {})
    session.add(timer)
    return timer


def pending(session, dossier, kinds=None, task_id=None) -> list[Timer]:
    query = select(Timer).where(Timer.dossier_id == dossier.id, Timer.fired_at.is_(None),
                                Timer.cancelled_at.is_(None))
    if kinds:
        query = query.where(Timer.kind.in_(kinds))
    if task_id is not None:
        query = query.where(Timer.task_id == task_id)
    return list(session.scalars(query))


def cancel(session, dossier, now, kinds=None, task_id=None) -> None:
    for timer in pending(session, dossier, kinds, task_id):
        timer.cancelled_at = now


def revive(session, dossier) -> list[str]:
    """Give timers that ran out of attempts a fresh start (a leader's retry)."""
    revived = [timer for timer in pending(session, dossier) if timer.attempts > 0]
    for timer in revived:
        timer.attempts, timer.lock_owner, timer.lock_expires_at = 0, None, None
    return [f"timer:{timer.id}" for timer in revived]


def project_bpmn(session, dossier, views, now) -> None:
    """Make the unfired `bpmn` rows match the instance's waiting timers."""
    rows = {timer.task_id: timer for timer in pending(session, dossier, ["bpmn"])}
    for view in views:
        if view.due_at is None:
            continue
        due = parse_instant(view.due_at)
        row = rows.pop(view.task_id, None)
        if row is None:
            schedule(session, dossier, "bpmn", due, task_id=view.task_id,
                     element_id=view.element_id, detail={"timer": view.kind})
        elif row.due_at != due:
            row.due_at, row.lock_owner, row.lock_expires_at = due, None, None
    for row in rows.values():  # no longer waiting: the branch moved on
        row.cancelled_at = now
