"""Routes for the current user's notifications: list them, mark them read."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine import notifications

from .auth import context
from .fields import Instant, PageArgs, page_schema

blp = Blueprint("notifications", __name__, description="The current user's notifications")


class NotificationFilter(PageArgs):
    unread = fields.Boolean(load_default=None)


class NotificationOut(Schema):
    id = fields.Integer()
    type = fields.String()
    at = Instant()
    dossier_code = fields.Function(lambda n: n.dossier.code if n.dossier is not None else None)
    task_id = fields.String(allow_none=True)
    message = fields.String()
    read = fields.Function(lambda n: n.read_at is not None)


class MarkedOut(Schema):
    marked = fields.Integer()


@blp.get("/notifications")
@blp.arguments(NotificationFilter, location="query")
@blp.response(200, page_schema(NotificationOut, "NotificationPage"))
def list_notifications(args):
    return notifications.list_notifications(context(), **args)


@blp.post("/notifications/<int:notification_id>/read")
@blp.response(200, NotificationOut)
def mark_read(notification_id):
    return notifications.mark_read(context(), notification_id)


@blp.post("/notifications/read-all")
@blp.response(200, MarkedOut)
def mark_all_read():
    return {"marked": notifications.mark_all_read(context())}
