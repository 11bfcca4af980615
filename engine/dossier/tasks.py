"""Human tasks: listing inboxes, claiming, unclaiming, assigning, completing.

Every command bumps the dossier's revision, so two people acting on one
dossier at once cannot both win: the later write fails with a conflict.
"""
from sqlalchemy import or_, select

from ..kernel import events
from ..kernel.errors import Conflict, Forbidden, Invalid, NotFound
from ..kernel.queries import paginate
from ..kernel.uow import unit_of_work
from ..people.access import managed_groups, require_role, visible_filter
from ..people.directory import get_user
from ..store.dossiers import Dossier, Task, TaskCandidate
from ..store.procedures import Procedure
from . import status, workflow
from .submissions import validate_submission

SCOPES = ("mine", "available", "all")


def list_tasks(ctx, scope="all", overdue=False, procedure=None, page=1, per_page=50):
    actor = ctx.actor
    query = select(Task).join(Task.dossier).where(Task.status == "open")
    if scope == "mine":
        query = query.where(Task.assignee_id == actor.id)
    elif scope == "available":
        query = query.where(Task.assignee_id.is_(None), _candidate_of(actor))
    elif "admin" not in actor.roles:
        query = query.where(or_(Task.assignee_id == actor.id, _candidate_of(actor),
                                visible_filter(ctx.session, actor)))
    if overdue:  # a step waiting with its dossier for a supplement is not overdue
        query = query.where(Task.due_at < ctx.now(), Dossier.status.in_(status.WORKING))
    if procedure:
        query = query.where(Dossier.procedure.has(Procedure.code == procedure))
    query = query.order_by(Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id)
    return paginate(ctx.session, query, page, per_page)


def _candidate_of(actor):
    return Task.candidates.any(TaskCandidate.party.in_(actor.groups))


def get_task(ctx, task_id) -> Task:
    task = ctx.session.get(Task, task_id)
    if task is None or not _may_see(ctx, task):
        raise NotFound(f"No task {task_id}.")
    return task


def _may_see(ctx, task) -> bool:
    actor = ctx.actor
    if "admin" in actor.roles or task.assignee_id == actor.id:
        return True
    return _is_candidate(actor, task) or _manages(ctx, task)


def _is_candidate(actor, task) -> bool:
    return bool(actor.groups & set(task.candidate_groups))


def _manages(ctx, task) -> bool:
    """A leader or supervisor of (a unit above) one of the task's groups who may
    see its dossier ("Who sees what"), or an admin."""
    if "admin" in ctx.actor.roles:
        return True
    return ctx.actor.has("leader", "supervisor") and bool(
        managed_groups(ctx.session, ctx.actor) & set(task.candidate_groups)) and \
        ctx.session.scalar(select(Dossier.id).where(
            Dossier.id == task.dossier_id, visible_filter(ctx.session, ctx.actor))) is not None


def claim(ctx, task_id) -> Task:
    with unit_of_work(ctx):
        task = _open_task(ctx, task_id)
        if not _is_candidate(ctx.actor, task) and "admin" not in ctx.actor.roles:
            raise Forbidden("Only a member of the task's units or roles may claim it.")
        if task.assignee_id not in (None, ctx.actor.id):
            raise Conflict(f"Task {task_id} is already claimed by {task.assignee.username}.")
        if task.assignee_id is None:
            task.assignee_id = ctx.actor.id
            _touch(ctx, task, "task.claimed")
    return task


def unclaim(ctx, task_id) -> Task:
    with unit_of_work(ctx):
        task = _open_task(ctx, task_id)
        if task.assignee_id not in (None, ctx.actor.id) and not _manages(ctx, task):
            raise Forbidden("Only the assignee or a leader of the task's unit may unclaim it.")
        if task.assignee_id is not None:
            previous = task.assignee.username
            task.assignee_id = None
            _touch(ctx, task, "task.unclaimed", {"previous": previous})
    return task


def assign(ctx, task_id, username) -> Task:
    require_role(ctx.actor, "leader", "supervisor")
    with unit_of_work(ctx) as session:
        task = _open_task(ctx, task_id)
        if not _manages(ctx, task):
            raise Forbidden("You do not lead or supervise this task's units.")
        user = get_user(session, username)
        groups = {unit.code for unit in user.units} | set(user.roles)
        if not user.active or not groups & set(task.candidate_groups):
            raise Invalid(f"{username} is not a candidate for this task.",
                          [{"field": "username", "message": "not in the task's groups"}])
        task.assignee_id = user.id
        _touch(ctx, task, "task.assigned", {"assignee": username})
    return task


def complete(ctx, task_id, data: dict):
    """Complete the caller's task with its form data; returns (task, open tasks).

    The diagram's code runs on a snapshot before the dossier is locked; the
    completion is written if the dossier is still as read (`workflow.in_two_phases`).
    """
    def prepare():
        task = _open_task(ctx, task_id, verb="complete", locked=False)
        if task.assignee_id != ctx.actor.id:
            raise Conflict("Claim the task before completing it.")
        checked = validate_submission(ctx.session, task, data)
        dossier = task.dossier
        instance = workflow.load(ctx, dossier)
        workflow.ready_or_conflict(instance, task)
        return workflow.Snapshot(dossier.id, dossier.revision, instance,
                                 workflow.completing(instance, task.id, checked),
                                 {"data": checked})

    def finish(dossier, snapshot):
        task = ctx.session.get(Task, task_id)
        workflow.record_completion(ctx, dossier, task, snapshot.extra["data"])
        workflow.write(ctx, dossier, snapshot.instance, snapshot.failure)
        return task, dossier

    task, dossier = workflow.in_two_phases(ctx, prepare, finish)
    return task, dossier.open_tasks


def _open_task(ctx, task_id, verb="change", locked=True) -> Task:
    """The task as it is now: after its dossier's row lock, or (`locked`
    False) as read, for a command that checks the dossier's revision later."""
    task = get_task(ctx, task_id)
    dossier = task.dossier
    if locked:
        dossier = workflow.lock(ctx.session, task.dossier_id)
        ctx.session.refresh(task)
    if task.status != "open":
        raise Conflict(f"Task {task_id} is {task.status}; cannot {verb} it.")
    if dossier.status not in status.WORKING:
        raise Conflict(f"Dossier {dossier.code} is {dossier.status}: its steps wait.")
    return task


def _touch(ctx, task, type_, detail=None):
    workflow.touch(ctx, task.dossier)
    events.record(ctx, type_, dossier=task.dossier, task_id=task.id,
                  element_id=task.element_id, detail=detail)
