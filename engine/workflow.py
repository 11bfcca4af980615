"""The bridge between a dossier row and its running BPMN instance.

Loads the instance from the dossier's state with its version's cached spec,
and after every command writes back, in the same transaction: the state, the
task rows, the dossier's parties, data and status, and the events. A script
that fails puts the dossier into an incident instead of failing the request.
"""
from sqlalchemy import select

from . import bpmn, events
from .store.dossiers import Dossier, DossierParty, Task, TaskCandidate

RESOLVED, PROCESSING, RECEIVED, INCIDENT = "resolved", "processing", "received", "incident"


def spec_of(version):
    return bpmn.load_spec(f"{version.id}:{version.checksum}", version.spec_json)


def start(dossier, data: dict):
    return bpmn.Instance.start(spec_of(dossier.version), data)


def load(dossier):
    return bpmn.Instance.load(spec_of(dossier.version), dossier.state)


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
        dossier.incident = None
    except bpmn.ScriptFailed as exc:
        dossier.incident = {"element_id": exc.element_id, "message": exc.message,
                            "at": ctx.now().isoformat()}
        events.record(ctx, "dossier.incident", dossier=dossier, element_id=exc.element_id,
                      detail={"message": exc.message})
    save(ctx, dossier, instance)


def save(ctx, dossier, instance):
    _sync_tasks(ctx, dossier, instance.ready_tasks())
    dossier.state = instance.dump()
    # Branches still running keep their data to themselves until they join;
    # the dossier shows everything submitted so far.
    dossier.data = {**dossier.data, **instance.data}
    touch(ctx, dossier)
    if instance.completed and dossier.status != RESOLVED:
        dossier.status, dossier.national_status = RESOLVED, 9
        dossier.resolved_at = ctx.now()
        events.record(ctx, "dossier.resolved", dossier=dossier)
    elif not instance.completed:
        dossier.status = INCIDENT if dossier.incident else _open_status(dossier)
        dossier.national_status = 2 if _none_completed(dossier) else 4


def touch(ctx, dossier):
    """Mark a command on the dossier: its revision goes up, so racing writers conflict."""
    dossier.revision += 1
    dossier.updated_at = ctx.now()


def _open_status(dossier):
    return RECEIVED if _none_completed(dossier) else PROCESSING


def _none_completed(dossier):
    return not any(task.status == "completed" for task in dossier.tasks)


def _sync_tasks(ctx, dossier, ready):
    ready_ids = {view.id for view in ready}
    for task in dossier.tasks:
        if task.status == "open" and task.id not in ready_ids:
            task.status, task.ended_at = "cancelled", ctx.now()
            events.record(ctx, "task.cancelled", dossier=dossier, task_id=task.id,
                          element_id=task.element_id)
    known = {task.id for task in dossier.tasks}
    specs = {spec["element_id"]: spec for spec in dossier.version.user_tasks}
    for view in ready:
        if view.id not in known:
            _open_task(ctx, dossier, view, specs.get(view.element_id, {}))
    _sync_parties(ctx.session, dossier)


def _open_task(ctx, dossier, view, spec):
    groups = spec.get("candidate_groups") or ([view.lane] if view.lane else [])
    task = Task(id=view.id, element_id=view.element_id, name=view.name or view.element_id,
                status="open", form_key=spec.get("form_key"), allotment=spec.get("allotment"),
                created_at=ctx.now(), candidates=[TaskCandidate(party=g) for g in groups])
    dossier.tasks.append(task)
    ctx.session.flush()
    events.record(ctx, "task.opened", dossier=dossier, task_id=task.id,
                  element_id=task.element_id, detail={"candidate_groups": groups})


def _sync_parties(session, dossier):
    wanted = {dossier.receiving_unit.code, dossier.procedure.agency.code}
    for task in dossier.tasks:
        wanted.update(task.candidate_groups)
    have = set(session.scalars(select(DossierParty.party)
                               .where(DossierParty.dossier_id == dossier.id)))
    for party in sorted(wanted - have):
        session.add(DossierParty(dossier_id=dossier.id, party=party))
