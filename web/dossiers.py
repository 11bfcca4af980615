"""The dossier pages: `/dossiers` (search the dossiers the visitor may see, a
paginated table with the national status labels) and `/dossiers/<code>` (the
dossier page: summary, clock, diagram with its steps marked, history,
documents, slips and the life-cycle actions), plus `/dossiers/<code>/live`, the
page's changing part alone, which the page's script fetches again after an
action. Both read through the services the API calls (`engine.dossier.intake`),
so the visitor sees only what the API would show them (else the 404 page);
reading a dossier page is logged as the API logs reading a dossier.
"""
from urllib.parse import urlencode

from flask import g, render_template, request, url_for
from flask_babel import gettext as _

from api.auth import log_read
from api.presentation import status_label
from engine.catalogue.procedures import list_procedures
from engine.dossier import intake
from engine.dossier import status as states
from engine.dossier.status import NATIONAL, STATUSES

from .dossiers_view import dossier_page, due_class
from .due import near_horizon
from .shell import blueprint, page

bp = blueprint("dossiers", __name__)
PER_PAGE = 20
MAX_PAGE = 100_000  # past it, a page number is no page (and no database offset overflows)


def _filters(args) -> dict:
    """The search's filters from the query string; what does not parse is dropped."""
    code = (args.get("code") or "").strip()[:64]
    status = args.get("status") if args.get("status") in STATUSES else None
    procedure = (args.get("procedure") or "").strip()[:64]
    overdue = args.get("overdue") in ("1", "true", "on")
    return {"code": code or None, "status": status, "procedure": procedure or None,
            "overdue": overdue}


def _page_number(args, name="page") -> int:
    value = args.get(name, "1")
    return max(1, min(int(value), MAX_PAGE)) if value.isdecimal() else 1


def _status_choices() -> list[tuple[str, str]]:
    """The statuses to search by, with their national labels, in the portal's order."""
    return [(name, status_label(code)) for name, code in sorted(
        NATIONAL.items(), key=lambda item: item[1])] + [
        (states.INCIDENT, _("Incident (stopped by an error)"))]


@bp.get("/dossiers")
@page()
def index():
    filters, number = _filters(request.args), _page_number(request.args)
    found = intake.list_dossiers(g.ctx, page=number, per_page=PER_PAGE, **filters)
    now = g.ctx.now()
    horizon = near_horizon(g.ctx)
    rows = [{"dossier": d, "due_class": due_class(d, now, horizon)} for d in found["items"]]
    pages = max(1, -(-found["total"] // PER_PAGE))
    query = {key: ("1" if value is True else value) for key, value in filters.items()
             if value}
    return render_template(
        "dossiers/index.html", rows=rows, filters=filters, total=found["total"],
        page_number=number, pages=pages, statuses=_status_choices(),
        procedures=list_procedures(g.ctx, per_page=200)["items"],
        page_url=lambda n: url_for("web.dossiers.index") + "?" + urlencode({**query, "page": n}))


def _view(code):
    args = request.args
    view = dossier_page(g.ctx, code, _page_number(args, "history_page"),
                        args.get("reads") == "1")
    log_read(g.ctx, code, "dossier.viewed", what="dossier page")
    here = url_for("web.dossiers.show", code=code)
    view["history_url"] = lambda **changes: here + "?" + urlencode(
        {**{"history_page": view["history"]["page"], "reads": "1" if view["history"]["reads"]
            else ""}, **changes})
    return view


@bp.get("/dossiers/<code>")
@page()
def show(code):
    view = _view(code)
    data = {"code": code, "procedure": view["dossier"]["procedure"],
            "version": view["dossier"]["version"],
            "live": url_for("web.dossiers.live", code=code),
            "list": url_for("web.dossiers.index"),
            "texts": {"diagram_failed": _("The diagram could not be shown."),
                      "gone": _("You may no longer see this dossier: back to the list.")}}
    return render_template("dossiers/show.html", data=data, **view)


@bp.get("/dossiers/<code>/live")
@page()
def live(code):
    """The page's changing part (summary, clock, steps, actions, history,
    documents, slips, the diagram's marks), fetched again after an action."""
    return render_template("dossiers/_live.html", **_view(code))
