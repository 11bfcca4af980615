"""Routes for the current user's notifications: list them, mark them read."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.scheduling import notifications

from .auth import context
from .fields import Instant, PageArgs, page_schema
from .presentation import answer_language, notification_text
from .openapi import problems

blp = Blueprint("notifications", __name__, description="The current user's notifications")


class NotificationFilter(PageArgs):
    unread = fields.Boolean(load_default=None)


class NotificationOut(Schema):
    id = fields.Integer()
    type = fields.String()
    at = Instant()
    dossier_code = fields.Function(lambda n: n.dossier.code if n.dossier is not None else None,
                                   allow_none=True, metadata={"type": "string"})
    task_id = fields.String(allow_none=True)
    message = fields.Function(lambda n: notification_text(n, answer_language()),
                              metadata={"type": "string"})
    read = fields.Function(lambda n: n.read_at is not None, metadata={"type": "boolean"})


class MarkedOut(Schema):
    marked = fields.Integer()


@blp.get("/notifications")
@blp.arguments(NotificationFilter, location="query")
@blp.response(200, page_schema(NotificationOut, "NotificationPage"))
def list_notifications(args):
    """The current user's notifications

    Newest first, paginated; `unread=true` or `false` filters. Types of the
    escalation ladder: `task.due_soon`, `task.overdue`, `task.escalated`,
    `dossier.overdue`."""
    return notifications.list_notifications(context(), **args)


# ids are PostgreSQL integers: a larger one names nothing (404), not a value it refuses
@blp.post("/notifications/<int:notification_id>/read")
@blp.response(200, NotificationOut)
@problems((404, "No such notification of the current user"))
def mark_read(notification_id):
    """Mark a notification read

    Notifications are kept, never removed."""
    return notifications.mark_read(context(), notification_id)


@blp.post("/notifications/read-all")
@blp.response(200, MarkedOut)
def mark_all_read():
    """Mark all one's notifications read

    Answers how many were unread."""
    return {"marked": notifications.mark_all_read(context())}
