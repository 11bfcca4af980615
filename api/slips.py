"""Routes for a dossier's printable slips: HTML pages for an A5 printer.

The content comes from `engine.dossier.slips` as data; the templates under
`web/templates/slips` write it in the reader's language through the catalogue
and filters of `api.presentation`. Errors stay problem+json like everywhere else.
"""
from flask import current_app, render_template
from flask_babel import get_locale
from flask_smorest import Blueprint

from engine.dossier import slips

from .auth import context, log_read
from .openapi import problems

blp = Blueprint("slips", __name__, description="Dossier slips")

HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}


@blp.get("/dossiers/<code>/slips/<kind>")
@blp.doc(
    summary="A printable slip of the dossier (HTML, A5)",
    description="`kind`: " + ", ".join(f"`{kind}`" for kind in slips.BUILDERS) + ". "
    "Not found when the dossier is not visible to the caller, the kind is unknown, "
    "or the slip does not apply to the dossier (a refusal slip for a dossier never refused). "
    "Vietnamese unless `?lang=en` (remembered in a cookie) or `Accept-Language` asks for "
    "English.",
    responses={"200": {"description": "The slip as an HTML page", **HTML}})
@problems((404, "No such dossier or slip"))
def get_slip(code, kind):
    ctx = context()
    template, values = slips.slip(ctx, code, kind)
    log_read(ctx, code, "dossier.viewed", what="slip", kind=kind)  # it names the applicant
    response = current_app.response_class(render_template(template, **values),
                                          mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"  # it carries the applicant's personal data
    response.headers["Content-Language"] = str(get_locale())
    return response
