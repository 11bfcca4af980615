"""The officer's inbox and task pages: `/inbox` (the tabs Available, the unclaimed
steps of the visitor's units and roles, and Mine, the steps they claimed; one
paginated table row per step with its due state and Claim) and `/tasks/<id>`
(the step's form, rendered in the browser with form-js from the definition the
server validates, beside its dossier's summary, documents and history).

Both read through the services the API calls (`engine.dossier.tasks`, `intake`),
so a visitor sees what `GET /tasks` and `GET /tasks/{id}` would show them and a
step they may not see is the 404 page. Claiming and completing are the page
scripts' calls to the API (`web/src/inbox.js`, `web/src/task.js`).
"""
from flask import g, render_template, request, url_for
from flask_babel import pgettext

from api.auth import log_read
from api.tasks import TaskDetailOut
from engine.dossier import tasks
from engine.kernel.errors import NotFound

from .inbox_view import due_reader, history_rows, task_texts
from .shell import blueprint, page

bp = blueprint("inbox", __name__)
TABS = ("available", "mine")
PER_PAGE = 20


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdecimal() and len(value) < 7 else 1


def _tab(totals: dict) -> str:
    """The tab asked for; else Mine when the visitor holds steps, else Available."""
    asked = request.args.get("tab")
    if asked in TABS:
        return asked
    return "mine" if totals["mine"] else "available"


def _completed_notice(ctx):
    """The notice of the step the task page just completed (`?completed=<id>`)."""
    task_id = request.args.get("completed", "")[:64]
    if not task_id:
        return None
    try:
        task = tasks.get_task(ctx, task_id)
    except NotFound:
        return None
    if task.status != "completed" or task.completed_by != ctx.actor.username:
        return None
    return pgettext("inbox", "Completed “%(step)s” of dossier %(code)s.",
                    step=task.name, code=task.dossier.code)


@bp.get("/inbox")
@page("officer", "leader")
def index():
    ctx = g.ctx
    totals = {tab: tasks.list_tasks(ctx, scope=tab, page=1, per_page=1)["total"]
              for tab in TABS}
    tab, number = _tab(totals), _page_number()
    found = tasks.list_tasks(ctx, scope=tab, page=number, per_page=PER_PAGE)
    due = due_reader(ctx)
    rows = [{"task": task, "due": due(task)} for task in found["items"]]
    pages = max(1, -(-found["total"] // PER_PAGE))
    return render_template(
        "inbox/index.html", tab=tab, tabs=TABS, totals=totals, rows=rows, number=number,
        pages=pages, total=found["total"], notice=_completed_notice(ctx),
        data={"texts": {"claimed": pgettext("inbox", "Claimed: it is now in Mine."),
                        "open": pgettext("inbox", "Open"),
                        "failed": pgettext("inbox", "Could not claim the step")}})


@bp.get("/tasks/<task_id>")
@page()
def show(task_id):
    """The task page: for a candidate, the assignee, or a leader over its units."""
    ctx = g.ctx
    task = tasks.get_task(ctx, task_id[:64])
    dossier = task.dossier
    log_read(ctx, dossier.code, "dossier.viewed", dossier_id=dossier.id, what="task")
    mine = task.assignee_id == ctx.actor.id
    may_claim = task.status == "open" and task.assignee_id is None and (
        "admin" in ctx.actor.roles or bool(ctx.actor.groups & set(task.candidate_groups)))
    detail = TaskDetailOut().dump(task)
    return render_template(
        "inbox/task.html", task=task, dossier=dossier, mine=mine, may_claim=may_claim,
        due=due_reader(ctx)(task), history=history_rows(ctx, dossier),
        data={"task": {"id": task.id, "status": task.status, "form": detail["form"],
                       "form_key": task.form_key},
              "values": detail["data"], "mine": mine and task.status == "open",
              "inbox": url_for("web.inbox.index", tab="mine"),
              "texts": task_texts()})
