"""Projections of a dossier's running instance, written with its state:
task rows (with step due times and their escalation ladder), parties, and
BPMN timer rows. Lists and dashboards read these, never the state."""
from sqlalchemy import select

from . import events, timers
from .deadlines import ladder, step_due
from .store.dossiers import DossierParty, Task, TaskCandidate
from .workcalendar import calendar_for

LADDER_KINDS = ("reminder", "step_due", "escalation")


def sync(ctx, dossier, ready, waiting_timers):
    ready_ids = {view.id for view in ready}
    for task in dossier.tasks:
        if task.status == "open" and task.id not in ready_ids:
            task.status, task.ended_at = "cancelled", ctx.now()
            events.record(ctx, "task.cancelled", dossier=dossier, task_id=task.id,
                          element_id=task.element_id)
    open_ids = {task.id for task in dossier.tasks if task.status == "open"}
    for timer in timers.pending(ctx.session, dossier, LADDER_KINDS):
        if timer.task_id not in open_ids:  # its step is over: no reminder, no escalation
            timer.cancelled_at = ctx.now()
    known = {task.id for task in dossier.tasks}
    specs = {spec["element_id"]: spec for spec in dossier.version.user_tasks}
    for view in ready:
        if view.id not in known:
            _open_task(ctx, dossier, view, specs.get(view.element_id, {}))
    sync_parties(ctx.session, dossier)
    timers.project_bpmn(ctx.session, dossier, waiting_timers, ctx.now())


def _open_task(ctx, dossier, view, spec):
    groups = spec.get("candidate_groups") or ([view.lane] if view.lane else [])
    task = Task(id=view.id, element_id=view.element_id, name=view.name or view.element_id,
                status="open", form_key=spec.get("form_key"), allotment=spec.get("allotment"),
                created_at=ctx.now(), candidates=[TaskCandidate(party=g) for g in groups])
    dossier.tasks.append(task)
    ctx.session.flush()
    if task.allotment:
        cal = calendar_for(ctx.session)
        task.due_at = step_due(task.created_at, task.allotment, cal)
        policy = (dossier.procedure.details or {}).get("escalation")
        for rung in ladder(task.created_at, task.due_at, cal, policy):
            timers.schedule(ctx.session, dossier, rung.kind, rung.due_at, task_id=task.id,
                            element_id=task.element_id)
    events.record(ctx, "task.opened", dossier=dossier, task_id=task.id,
                  element_id=task.element_id,
                  detail={"candidate_groups": groups,
                          "due_at": task.due_at.isoformat() if task.due_at else None})


def sync_parties(session, dossier):
    """Who may see the dossier: receiving unit, competent unit, task candidates."""
    wanted = {dossier.receiving_unit.code, dossier.procedure.agency.code}
    for task in dossier.tasks:
        wanted.update(task.candidate_groups)
    have = set(session.scalars(select(DossierParty.party)
                               .where(DossierParty.dossier_id == dossier.id)))
    for party in sorted(wanted - have):
        session.add(DossierParty(dossier_id=dossier.id, party=party))
