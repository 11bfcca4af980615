"""The bridge between a dossier row and its running BPMN instance.

Loads the instance from the dossier's state with its version's cached spec,
the calendar helpers diagram code may call and the bounds it runs under
(`ctx.settings`), and after every command writes back, in one transaction:
the state, the projections (`engine.dossier.projection`), data and status, and the
events. A script that fails, or hits a bound, puts the dossier into an
incident instead of failing the request.

Diagram code runs with no database lock held (`in_two_phases`): a command
reads a snapshot of the dossier and runs the engine on it outside any
transaction; then one unit of work locks the row, checks that its revision is
still the snapshot's, and writes. A dossier changed meanwhile is read and run
again, a few times, then the command is a conflict (409).
"""
from dataclasses import dataclass, field

from sqlalchemy import select

from .. import bpmn
from ..deadlines import statutory, steps
from ..deadlines.worktime import add_calendar_days, add_working_days, add_working_time
from ..kernel import events, logs
from ..kernel.errors import Conflict
from ..kernel.uow import unit_of_work
from ..store.dossiers import Dossier
from . import projection, status, supplements

ATTEMPTS = 3  # snapshots tried before a command that keeps losing the race gives up
# what a diagram may call, e.g. a timeDate of `add_working_days(2)`; each returns an
# ISO instant with its offset, computed in the script worker by the pure calendar maths
HELPERS = {"add_working_days": (add_working_days, "number"),
           "add_working_hours": (add_working_time, "hours"),
           "add_calendar_days": (add_calendar_days, "whole")}
assert set(HELPERS) == bpmn.SCRIPT_HELPERS  # the names the diagram checks know


def use_clock(clock) -> None:
    """BPMN timers compare against the platform's clock (set once at start)."""
    bpmn.use_clock(clock)


def spec_of(version):
    return bpmn.load_spec(f"{version.id}:{version.checksum}", version.spec_json)


def script_functions(ctx) -> bpmn.LazyFunctions:
    """The working-time helpers, with the instant and the calendar they count from.
    The calendar is read only when code names a helper (not on every load)."""
    def make():
        now, cal = ctx.now(), steps.calendar(ctx)
        return {name: bpmn.WorkingTime(add, now, cal, amount)
                for name, (add, amount) in HELPERS.items()}
    return bpmn.LazyFunctions(HELPERS, make)


def bounds(settings) -> bpmn.Bounds:
    return bpmn.Bounds(settings.script_cpu_seconds, settings.script_wall_seconds,
                       settings.script_memory_mb, settings.script_output_bytes,
                       settings.max_instances)


def start(ctx, version, data: dict):
    return bpmn.Instance.start(spec_of(version), data, script_functions(ctx),
                               bounds(ctx.settings))


def load(ctx, dossier):
    return bpmn.Instance.load(spec_of(dossier.version), dossier.state, script_functions(ctx),
                              bounds(ctx.settings))


def lock(session, dossier_id) -> Dossier:
    """Take the dossier's row lock before reading anything else of it.

    Every command on a dossier starts here, so commands on one dossier queue
    in one order instead of deadlocking (PostgreSQL; SQLite already has a
    single writer). The row is re-read as of the lock.
    """
    dossier = session.scalars(select(Dossier).where(Dossier.id == dossier_id).with_for_update()
                              .execution_options(populate_existing=True)).one()
    logs.note_dossier(dossier.code)  # the lines this command logs name its dossier
    return dossier


@dataclass
class Snapshot:
    """What a command read of a dossier, and the engine's run on it (phase one)."""

    dossier_id: int
    revision: int
    instance: object = None  # None: no diagram code to run
    step: object = None  # e.g. completing a task, before the engine runs on
    extra: dict = field(default_factory=dict)  # what the command needs to write
    failure: object = None  # the run's ScriptFailed, if it failed


class _Moved(Exception):
    """The dossier's revision moved on since the snapshot."""


def in_two_phases(ctx, prepare, finish):
    """`prepare()` reads (no unit of work) and returns a Snapshot; its instance
    then runs outside any transaction, so no lock is held while diagram code
    runs. Then one unit of work locks the dossier and, if it is still as read,
    returns `finish(dossier, snapshot)`; else everything starts again."""
    session = ctx.session
    for _ in range(ATTEMPTS):
        session.rollback()  # read as of now, not as of an earlier read
        snapshot = prepare()
        session.rollback()  # end the read: its snapshot is not held while code runs
        if snapshot.instance is not None:
            snapshot.failure = run(snapshot.instance, snapshot.step)
            session.rollback()  # helpers may have read the calendar
        try:
            with unit_of_work(ctx) as session:
                dossier = lock(session, snapshot.dossier_id)
                if dossier.revision != snapshot.revision:
                    raise _Moved()
                return finish(dossier, snapshot)
        except _Moved:
            continue
    raise Conflict("The dossier kept changing while its diagram ran; reload and retry.")


def run(instance, step=None):
    """Run `step` (e.g. completing a task) and the engine until people are
    needed; the ScriptFailed that stopped it, or None. Touches no database."""
    try:
        if step is not None:
            step()
        instance.run()
    except bpmn.ScriptFailed as exc:
        return exc
    return None


def write(ctx, dossier, instance, failure=None):
    """Write back an instance the engine ran: an incident if it failed, then
    the state, the projections and the status."""
    if failure is None:
        if not instance.failed:  # another branch moving on does not clear an incident
            dossier.incident = None
    else:
        dossier.incident = {"element_id": failure.element_id, "message": failure.message,
                            "at": ctx.now().isoformat()}
        events.record(ctx, "dossier.incident", dossier=dossier, element_id=failure.element_id,
                      detail={"message": failure.message})
    save(ctx, dossier, instance)


def ready_or_conflict(instance, task):
    if task.id not in {view.id for view in instance.ready_tasks()}:
        raise Conflict(f"Task {task.id} is no longer ready.")


def completing(instance, task_id, data):
    """The step that completes `task_id` with `data` (run by the engine's phase)."""
    return lambda: instance.complete(task_id, data)


def record_completion(ctx, dossier, task, data):
    task.status, task.ended_at, task.completed_by = "completed", ctx.now(), ctx.actor.username
    events.record(ctx, "task.completed", dossier=dossier, task_id=task.id,
                  element_id=task.element_id, detail={"data": data})


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
        statutory.stop(ctx, dossier)
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
