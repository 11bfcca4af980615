"""Projections of a dossier's running instance, written with its state:
task rows (with step due times and their escalation ladder), parties, and
BPMN timer rows. Lists and dashboards read these, never the state. A step's
`@function` and `@desk` candidates are resolved when it opens, against the
dossier's handling and receiving units."""
from sqlalchemy import select

from ..deadlines import steps, timers
from ..kernel import events
from ..people import functions
from ..store.dossiers import DossierParty, Task, TaskCandidate


def sync(ctx, dossier, ready, waiting_timers) -> list[Task]:
    """Make the projections match the instance; returns the tasks it opened."""
    ready_ids = {view.id for view in ready}
    for task in dossier.tasks:
        if task.status == "open" and task.id not in ready_ids:
            task.status, task.ended_at = "cancelled", ctx.now()
            events.record(ctx, "task.cancelled", dossier=dossier, task_id=task.id,
                          element_id=task.element_id)
    open_ids = {task.id for task in dossier.tasks if task.status == "open"}
    for timer in timers.pending(ctx.session, dossier, steps.LADDER_KINDS):
        if timer.task_id not in open_ids:  # its step is over: no reminder, no escalation
            timer.cancelled_at = ctx.now()
    known = {task.id for task in dossier.tasks}
    specs = {spec["element_id"]: spec for spec in dossier.version.user_tasks}
    opened = [_open_task(ctx, dossier, view, specs.get(view.element_id, {}))
              for view in ready if view.id not in known]
    sync_parties(ctx.session, dossier)
    timers.project_bpmn(ctx.session, dossier, waiting_timers, ctx.now())
    return opened


def groups_for(session, dossier, spec, lane) -> list[str]:
    """A step's candidates for this dossier: its groups (or its lane), with
    `@function` and `@desk` resolved to the dossier's units."""
    named = spec.get("candidate_groups") or ([lane] if lane else [])
    resolved = [functions.resolve(session, name, dossier.handling_unit, dossier.receiving_unit)
                for name in named]
    return list(dict.fromkeys(resolved))


def replace_candidates(task, groups):
    """The step's candidates become `groups` (rows kept where they stay)."""
    kept = [row for row in task.candidates if row.party in groups]
    have = {row.party for row in kept}
    task.candidates = kept + [TaskCandidate(party=g) for g in groups if g not in have]


def _open_task(ctx, dossier, view, spec):
    groups = groups_for(ctx.session, dossier, spec, view.lane)
    task = Task(id=view.id, element_id=view.element_id, name=view.name or view.element_id,
                status="open", form_key=spec.get("form_key"), allotment=spec.get("allotment"),
                created_at=ctx.now(), candidates=[TaskCandidate(party=g) for g in groups])
    dossier.tasks.append(task)
    ctx.session.flush()
    steps.schedule(ctx, dossier, task, task.created_at)
    events.record(ctx, "task.opened", dossier=dossier, task_id=task.id,
                  element_id=task.element_id,
                  detail={"candidate_groups": groups,
                          "due_at": task.due_at.isoformat() if task.due_at else None})
    return task


def sync_parties(session, dossier):
    """Who may see the dossier: its receiving unit, its handling unit and the
    candidates of its steps (open or past); a unit no longer one of them (the
    dossier moved) stops seeing it. Not the procedure's agency: for a
    commune-level procedure that is the province, over every commune."""
    wanted = {dossier.receiving_unit.code, dossier.handling_unit.code}
    for task in dossier.tasks:
        wanted.update(task.candidate_groups)
    rows = {row.party: row for row in session.scalars(
        select(DossierParty).where(DossierParty.dossier_id == dossier.id))}
    for party in sorted(wanted - set(rows)):
        session.add(DossierParty(dossier_id=dossier.id, party=party))
    for party in sorted(set(rows) - wanted):
        session.delete(rows[party])
