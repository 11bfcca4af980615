"""Each step's due time and escalation ladder: set when the step opens, held
while the dossier waits for the applicant's papers, and moved on when they
come back (DOMAIN.md, "The dossier's life" 5).

While a dossier waits, its steps' ladder rungs and the designer's BPMN timers
do not fire. When the papers come back, per the procedure's clock policy,
either each step's allotment restarts from now (`restart`) or the working
time each step had left resumes (`pause`); the rungs follow, and BPMN timers
(whose start the platform does not know, so they cannot restart)
resume with the working time they had left. `schedule`, `hold` and `resume`
run inside a service's unit of work; `shifter` before it.
"""
from datetime import timedelta

from sqlalchemy import select

from ..kernel.settings import policy_for
from ..store.timers import Timer
from . import timers
from .calendar import calendar_for
from .ladder import ladder, step_due
from .worktime import add_working_time, working_time_between

LADDER_KINDS = ("reminder", "step_due", "escalation")
HELD_KINDS = (*LADDER_KINDS, "bpmn")


def calendar(ctx):
    return calendar_for(ctx.session, ctx.settings.office_hours)


def schedule(ctx, dossier, task, start) -> None:
    """Give `task` its due time (its allotment from `start`) and its ladder."""
    if not task.allotment:
        return
    cal = calendar(ctx)
    task.due_at, task.overdue_at = step_due(start, task.allotment, cal), None
    for rung in ladder(start, task.due_at, cal, policy_for(ctx.settings, dossier.procedure)):
        timers.schedule(ctx.session, dossier, rung.kind, rung.due_at, task_id=task.id,
                        element_id=task.element_id)


def hold(ctx, dossier) -> None:
    """The dossier waits: no rung and no BPMN timer of it fires meanwhile."""
    timers.cancel(ctx.session, dossier, ctx.now(), HELD_KINDS)


def shifter(ctx, waited_since):
    """Where an instant due during the wait moves when it ends now: as much
    working time after now as it had left; what was already due stays due (it
    fires at the next tick). Used for the steps and for the BPMN timers, which
    the caller moves on its instance (`Instance.shift_timers`) before the
    engine runs on."""
    now, cal = ctx.now(), calendar(ctx)

    def shifted(instant):
        left = working_time_between(waited_since, instant, cal)
        return add_working_time(now, left, cal) if left > timedelta() else instant
    return shifted


def resume(ctx, dossier, shifted, restart: bool) -> None:
    """The wait is over: move every open step's due time and ladder on."""
    cal, policy = calendar(ctx), policy_for(ctx.settings, dossier.procedure)
    fired = _fired_rungs(ctx.session, dossier)
    for task in dossier.open_tasks:
        if not task.allotment or task.due_at is None:
            continue
        if restart:
            schedule(ctx, dossier, task, ctx.now())
            continue
        for rung in ladder(task.created_at, task.due_at, cal, policy):
            if (task.id, rung.kind) not in fired:
                timers.schedule(ctx.session, dossier, rung.kind, shifted(rung.due_at),
                                task_id=task.id, element_id=task.element_id)
        task.due_at = shifted(task.due_at)


def _fired_rungs(session, dossier) -> set[tuple[str, str]]:
    rows = session.execute(select(Timer.task_id, Timer.kind).where(
        Timer.dossier_id == dossier.id, Timer.fired_at.is_not(None),
        Timer.kind.in_(LADDER_KINDS)))
    return {(task_id, kind) for task_id, kind in rows}
