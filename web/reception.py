"""The reception desk's pages (role reception, UI.md):

- `/reception`: a walk-in applicant's new dossier: procedure, handling unit (a
  commune-level procedure's commune chosen by name from the units the engine
  accepts), the applicant, the papers scanned at the desk, and the desk's
  outcome (receive, request a supplement, refuse), sent by the page's script to
  `POST /api/v1/dossiers`;
- `/reception/procedures/<code>`: the part of that form that depends on the
  procedure (its handling units, time, fee and papers), fetched when it changes;
- `/reception/online`: the online submissions waiting as new, with the same outcomes;
- `/reception/results`: the dossiers whose result is ready, to hand back;
- `/reception/dossiers/<code>`: one dossier at the desk once acted on: the outcome
  confirmed with its code and appointment, the slip to print, its documents
  (upload, or reuse the applicant's earlier ones) and the actions its status allows.

Views read through the engine's services with the visitor's context; the page's
script changes things through the JSON API.
"""
from flask import g, render_template, request

from api.auth import log_read
from engine.dossier import intake

from . import reception_desk as desk
from .reception_texts import outcome_notice
from .shell import blueprint, page

bp = blueprint("reception", __name__)
PER_PAGE = 15
LISTS = {"online": "new", "results": "resolved"}


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 10_000)) if value.isdecimal() else 1


@bp.get("/reception")
@page("reception")
def index():
    entries = desk.catalogue(g.ctx)
    codes = {entry["code"] for entry in entries}
    chosen = request.args.get("procedure")
    facts = desk.procedure_facts(g.ctx, chosen) if chosen in codes else None
    return render_template(
        "reception/index.html", tab="walkin", counts=desk.counts(g.ctx),
        groups=desk.fields_of(entries), facts=facts,
        receiving_units=desk.receiving_units(g.ctx), data=desk.page_data(g.ctx))


@bp.get("/reception/procedures/<code>")
@page("reception")
def procedure(code):
    return render_template("reception/_procedure.html", fragment=True,
                           facts=desk.procedure_facts(g.ctx, code))


@bp.get("/reception/online")
@page("reception")
def online():
    return _listing("online")


@bp.get("/reception/results")
@page("reception")
def results():
    return _listing("results")


def _listing(tab):
    listing = intake.list_dossiers(g.ctx, status=LISTS[tab], page=_page_number(),
                                   per_page=PER_PAGE)
    return render_template(f"reception/{tab}.html", tab=tab, counts=desk.counts(g.ctx),
                           listing=listing, rows=desk.rows(g.ctx, listing),
                           data=desk.page_data(g.ctx))


@bp.get("/reception/dossiers/<code>")
@page("reception")
def dossier(code):
    view = desk.dossier_view(g.ctx, code)
    log_read(g.ctx, view["code"], "dossier.viewed", dossier_id=view["id"], what="dossier")
    done = request.args.get("done", "")
    unsent = request.args.get("unsent", "0")
    return render_template(
        "reception/dossier.html", tab=None, counts=desk.counts(g.ctx), dossier=view,
        notice=outcome_notice(done, view), done=done,
        unsent=int(unsent) if unsent.isdecimal() else 0,
        data=desk.page_data(g.ctx, code=view["code"]))
