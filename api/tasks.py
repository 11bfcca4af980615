"""Routes for tasks: inboxes, claim, unclaim, assign, complete."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.catalogue import procedures
from engine.dossier import tasks

from .auth import context
from .fields import PageArgs, page_schema
from .openapi import problems
from .schemas import DossierSummaryOut, TaskOut

blp = Blueprint("tasks", __name__, description="Human tasks")


class TaskFilter(PageArgs):
    scope = fields.String(load_default="all", validate=validate.OneOf(tasks.SCOPES))
    overdue = fields.Boolean(load_default=False)
    procedure = fields.String()


class AssignIn(Schema):
    username = fields.String(required=True)


class CompleteIn(Schema):
    data = fields.Dict(load_default=dict)


class TaskDetailOut(TaskOut):
    dossier = fields.Nested(DossierSummaryOut)
    data = fields.Dict(attribute="dossier.data",
                       metadata={"description": "The dossier's data as it is now"})
    form = fields.Function(lambda t: procedures.version_forms(
        context().session, t.dossier.version).get(t.form_key) if t.form_key else None,
        allow_none=True, metadata={"type": "object", "description": "The step's form "
                                   "definition (form-js JSON), or null for the generic form"})


class CompleteOut(Schema):
    task = fields.Nested(TaskOut)
    dossier_code = fields.String()
    tasks = fields.List(fields.Nested(TaskOut))


@blp.get("/tasks")
@blp.arguments(TaskFilter, location="query")
@blp.response(200, page_schema(TaskOut, "TaskPage"))
def list_tasks(args):
    """List open tasks

    Sorted by due time. `scope`: `mine` (claimed by the caller), `available`
    (unclaimed, in the caller's units or roles) or `all` (those and the ones of
    dossiers the caller may see); `overdue=true`: past their due time."""
    return tasks.list_tasks(context(), **args)


@blp.get("/tasks/<task_id>")
@blp.response(200, TaskDetailOut)
@problems((404, "No such task, or one the caller is neither candidate, assignee nor "
                "manager of"))
def get_task(task_id):
    """A task, with its dossier and form

    The task, a summary of its dossier, the dossier's data and the step's form
    definition (null for a step without a form)."""
    return tasks.get_task(context(), task_id)


@blp.post("/tasks/<task_id>/claim")
@blp.response(200, TaskOut)
@problems((403, "The caller is not a candidate for the task"), 404,
          (409, "Claimed by someone else, no longer open, or its dossier waits"))
def claim(task_id):
    """Claim a task

    The caller becomes its assignee; a candidate only (a member of one of its
    units or roles)."""
    return tasks.claim(context(), task_id)


@blp.post("/tasks/<task_id>/unclaim")
@blp.response(200, TaskOut)
@problems((403, "Neither the assignee nor a leader of the task's unit"), 404,
          (409, "No longer open, or its dossier waits"))
def unclaim(task_id):
    """Give a task back

    It has no assignee again; by its assignee or a leader of its unit."""
    return tasks.unclaim(context(), task_id)


@blp.post("/tasks/<task_id>/assign")
@blp.arguments(AssignIn)
@blp.response(200, TaskOut)
@problems((403, "Not a leader or supervisor of the task's units"), 404,
          (409, "No longer open, or its dossier waits"),
          (422, "The user is not a candidate for the task"))
def assign(body, task_id):
    """Assign a task (leaders, supervisors)

    Makes `username`, a candidate for the task, its assignee."""
    return tasks.assign(context(), task_id, body["username"])


@blp.post("/tasks/<task_id>/complete")
@blp.arguments(CompleteIn)
@blp.response(200, CompleteOut)
@problems(404, (409, "Not claimed by the caller, already done, or the dossier changed "
                     "meanwhile or waits"),
          (422, "The form (or the generic form) rejects the data: `errors` names each "
                "field; nothing changes"))
def complete(body, task_id):
    """Complete a task

    The assignee sends the form's `data`; the diagram moves on. Answers the task,
    its dossier's code and the dossier's open tasks after this step. A step
    without a form takes a flat object of scalar values under identifier keys."""
    task, open_tasks = tasks.complete(context(), task_id, body["data"])
    return {"task": task, "dossier_code": task.dossier.code, "tasks": open_tasks}
