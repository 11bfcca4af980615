"""The bridge between a dossier row and its running BPMN instance.

Loads the instance from the dossier's state with its version's cached spec
and the calendar helpers that timer expressions may call, and after every
command writes back, in the same transaction: the state, the projections
(`engine.projection`), data and status, and the events. A script that fails
puts the dossier into an incident instead of failing the request.
"""
from datetime import timedelta

from sqlalchemy import select

from . import bpmn, dossier_clock, events, projection, status, step_times, supplements
from .calendar import add_calendar_days, add_working_days, add_working_time
from .errors import Conflict
from .store.dossiers import Dossier


def spec_of(version):
    return bpmn.load_spec(f"{version.id}:{version.checksum}", version.spec_json)


def script_functions(ctx) -> dict:
    """Working-time helpers for timer expressions, e.g. a timeDate of
    `add_working_days(2)`: each returns an ISO instant with its offset. The
    calendar is read only when a diagram calls one (not on every load)."""
    def helper(add, amount):
        return lambda n: add(ctx.now(), amount(n), step_times.calendar(ctx)).isoformat()
    return {
        "add_working_days": helper(add_working_days, float),
        "add_working_hours": helper(add_working_time, lambda n: timedelta(hours=n)),
        "add_calendar_days": helper(add_calendar_days, int),
    }


def start(ctx, dossier, data: dict):
    return bpmn.Instance.start(spec_of(dossier.version), data, script_functions(ctx))


def load(ctx, dossier):
    return bpmn.Instance.load(spec_of(dossier.version), dossier.state, script_functions(ctx))


def lock(session, dossier_id) -> Dossier:
    """Take the dossier's row lock before reading anything else of it.

    Every command on a dossier starts here, so commands on one dossier queue
    in one order instead of deadlocking (PostgreSQL; SQLite already has a
    single writer). The row is re-read as of the lock.
    """
    return session.scalars(select(Dossier).where(Dossier.id == dossier_id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def advance(ctx, dossier, instance, step=None):
    """Run `step` (e.g. completing a task) and the engine until people are
    needed, then write everything back."""
    try:
        if step is not None:
            step()
        instance.run()
        if not instance.failed:  # another branch moving on does not clear an incident
            dossier.incident = None
    except bpmn.ScriptFailed as exc:
        dossier.incident = {"element_id": exc.element_id, "message": exc.message,
                            "at": ctx.now().isoformat()}
        events.record(ctx, "dossier.incident", dossier=dossier, element_id=exc.element_id,
                      detail={"message": exc.message})
    save(ctx, dossier, instance)


def complete_step(ctx, dossier, instance, task, data):
    """The actor finished `task` with `data`: record it and move the instance on."""
    if task.id not in {view.id for view in instance.ready_tasks()}:
        raise Conflict(f"Task {task.id} is no longer ready.")
    task.status, task.ended_at, task.completed_by = "completed", ctx.now(), ctx.actor.username
    events.record(ctx, "task.completed", dossier=dossier, task_id=task.id,
                  element_id=task.element_id, detail={"data": data})
    advance(ctx, dossier, instance, step=lambda: instance.complete(task.id, data))


def save(ctx, dossier, instance):
    opened = projection.sync(ctx, dossier, instance.ready_tasks(), instance.waiting_timers())
    dossier.state = instance.dump()
    # Branches still running keep their data to themselves until they join;
    # the dossier shows everything submitted so far.
    dossier.data = {**dossier.data, **instance.data}
    touch(ctx, dossier)
    if instance.completed and dossier.status != status.RESOLVED:
        status.move(dossier, status.RESOLVED)
        dossier.resolved_at = ctx.now()
        dossier_clock.stop(ctx, dossier)
        events.record(ctx, "dossier.resolved", dossier=dossier)
    elif not instance.completed and dossier.status in status.WORKING:
        status.settle(dossier)  # a supplement, withdrawal, stop: the life cycle's to change
    asking = supplements.steps(dossier.version) if opened else set()
    for task in opened:
        if task.element_id in asking:  # the diagram asks: the life-cycle rule applies
            missing, note = supplements.missing_from(dossier.data)
            supplements.ask(ctx, dossier, missing, note, element_id=task.element_id)


def touch(ctx, dossier):
    """Mark a command on the dossier: its revision goes up, so racing writers conflict."""
    dossier.revision += 1
    dossier.updated_at = ctx.now()
