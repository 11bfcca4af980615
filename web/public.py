"""The public pages, open to anyone without signing in: the home page (`/`: the
dossier-code search and the procedure catalogue with each procedure's field,
level, statutory time, fee and required documents) and tracking (`/track?code=`).

Both read through the public service context, as `GET /api/v1/public/dossiers/{code}`
does, and tracking is throttled per address the same way. A tracked dossier is
copied into a plain dict of the public fields only (procedure, national status,
received, appointment, resolved): the template never holds the dossier, so no
personal data can reach the page.
"""
from flask import g, render_template, request
from flask_babel import gettext as _

from api.auth import context, public_context, throttle_public
from engine.catalogue import procedures
from engine.dossier import intake
from engine.kernel.errors import NotFound, Unauthorized
from engine.people.throttle import Throttled

from .shell import blueprint
from .words import statutory_time

bp = blueprint("public", __name__)
PER_PAGE = 10
MAX_CODE = 64


def _visitor():
    """A signed-in visitor's context (for the header); public pages never need one."""
    try:
        g.ctx = context()
    except Unauthorized:
        g.pop("ctx", None)


def _page_number(name="page") -> int:
    value = request.args.get(name, "1")
    return max(1, min(int(value), 10_000)) if value.isdecimal() else 1


@bp.get("/")
def home():
    _visitor()
    listing = procedures.list_procedures(public_context(), page=_page_number(),
                                         per_page=PER_PAGE)
    entries = [_entry(procedure) for procedure in listing["items"]]
    return render_template("public/home.html", entries=entries, listing=listing)


def _entry(procedure) -> dict:
    """What the catalogue shows of a procedure (its public catalogue details)."""
    details = procedure.details or {}
    return {"code": procedure.code, "name": procedure.name, "field": procedure.field,
            "level": _level(procedure.level),
            "time": statutory_time(procedure.statutory_value, procedure.statutory_unit),
            "fee": details.get("fee"), "documents": list(details.get("documents") or []),
            "online": _online(details.get("online_level"))}


def _level(level: str) -> str:
    return {"province": _("Province level"), "district": _("District level"),
            "commune": _("Commune level")}.get(level, level)


def _online(level) -> str | None:
    return {"full": _("Fully online"), "partial": _("Partly online")}.get(level)


@bp.get("/track")
def track():
    _visitor()
    code = request.args.get("code", "").strip()[:MAX_CODE]
    if not code:
        return render_template("public/track.html", code=code, dossier=None)
    ctx = public_context()
    try:
        throttle_public(ctx)
        dossier = _public_view(intake.track(ctx, code))
    except Throttled as error:
        page = render_template("public/track.html", code=code, dossier=None, throttled=True)
        return page, 429, {"Retry-After": str(error.retry_after)}
    except NotFound:
        return render_template("public/track.html", code=code, dossier=None, missing=True), 404
    return render_template("public/track.html", code=code, dossier=dossier)


def _public_view(dossier) -> dict:
    """Only what `PublicDossierOut` shows: never the applicant, data or documents."""
    return {"code": dossier.code, "procedure": dossier.procedure.code,
            "procedure_name": dossier.procedure.name,
            "national_status": dossier.national_status, "received_at": dossier.received_at,
            "due_at": dossier.due_at, "resolved_at": dossier.resolved_at}
