"""The signed-in person's notifications page (`/notifications`): their
notifications newest first, paginated, the unread ones marked, each linking to the
dossier or step it names; "mark read" on each row and "mark all read".

Marking read is a plain page form (its CSRF token checked by `api.auth` as for any
state change from a browser) calling the same service as `POST
/api/v1/notifications/{id}/read` and `/read-all`, then returning to the page it
came from; the header's unread count follows on that reload.
"""
from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from api.presentation import notification_text
from engine.scheduling import notifications

from .shell import blueprint, page

bp = blueprint("notifications", __name__)
PER_PAGE = 15


def type_labels() -> dict:
    return {"task.due_soon": _("Step due soon"), "task.overdue": _("Step overdue"),
            "task.escalated": _("Step escalated"), "dossier.overdue": _("Dossier overdue")}


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdecimal() else 1


@bp.get("/notifications")
@page()
def index():
    listing = notifications.list_notifications(g.ctx, page=_page_number(), per_page=PER_PAGE)
    labels = type_labels()
    rows = [{"id": item.id, "kind": labels.get(item.type, item.type), "at": item.at,
             "message": notification_text(item),
             "dossier_code": item.dossier.code if item.dossier is not None else None,
             "task_id": item.task_id, "read": item.read_at is not None}
            for item in listing["items"]]
    return render_template("notifications/index.html", listing=listing, rows=rows)


def _back():
    """The page of the list the form was on."""
    number = request.form.get("page", "1")
    return redirect(url_for("web.notifications.index",
                            page=int(number) if number.isdecimal() else 1))


@bp.post("/notifications/<int:notification_id>/read")
@page()
def mark_read(notification_id):
    notifications.mark_read(g.ctx, notification_id)
    return _back()


@bp.post("/notifications/read-all")
@page()
def mark_all_read():
    notifications.mark_all_read(g.ctx)
    return _back()
