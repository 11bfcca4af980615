"""Routes for tasks: inboxes, claim, unclaim, assign, complete."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import procedures, tasks

from .auth import context
from .fields import PageArgs, page_schema
from .schemas import DossierOut, TaskOut

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
    dossier = fields.Function(lambda t: DossierOut(only=(
        "code", "procedure", "status", "national_status", "received_at", "due_at",
        "applicant")).dump(t.dossier))
    data = fields.Function(lambda t: t.dossier.data)
    form = fields.Function(lambda t: procedures.version_forms(
        context().session, t.dossier.version).get(t.form_key) if t.form_key else None)


class CompleteOut(Schema):
    task = fields.Nested(TaskOut)
    dossier_code = fields.String()
    tasks = fields.List(fields.Nested(TaskOut))


@blp.get("/tasks")
@blp.arguments(TaskFilter, location="query")
@blp.response(200, page_schema(TaskOut, "TaskPage"))
def list_tasks(args):
    return tasks.list_tasks(context(), **args)


@blp.get("/tasks/<task_id>")
@blp.response(200, TaskDetailOut)
def get_task(task_id):
    return tasks.get_task(context(), task_id)


@blp.post("/tasks/<task_id>/claim")
@blp.response(200, TaskOut)
def claim(task_id):
    return tasks.claim(context(), task_id)


@blp.post("/tasks/<task_id>/unclaim")
@blp.response(200, TaskOut)
def unclaim(task_id):
    return tasks.unclaim(context(), task_id)


@blp.post("/tasks/<task_id>/assign")
@blp.arguments(AssignIn)
@blp.response(200, TaskOut)
def assign(body, task_id):
    return tasks.assign(context(), task_id, body["username"])


@blp.post("/tasks/<task_id>/complete")
@blp.arguments(CompleteIn)
@blp.response(200, CompleteOut)
def complete(body, task_id):
    task, open_tasks = tasks.complete(context(), task_id, body["data"])
    return {"task": task, "dossier_code": task.dossier.code, "tasks": open_tasks}
