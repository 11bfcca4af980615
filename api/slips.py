"""Routes for a dossier's printable slips: HTML pages for an A5 printer.

The content comes from `engine.slips`; the templates are `web/templates/slips`.
Errors stay problem+json like everywhere else.
"""
from flask import current_app, render_template
from flask_smorest import Blueprint

from engine import slips

from .auth import context, log_read

blp = Blueprint("slips", __name__, description="Dossier slips")

HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}
PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}


@blp.get("/dossiers/<code>/slips/<kind>")
@blp.doc(
    summary="A printable slip of the dossier (HTML, A5)",
    description="`kind`: " + ", ".join(f"`{kind}`" for kind in slips.BUILDERS) + ". "
    "Not found when the dossier is not visible to the caller, the kind is unknown, "
    "or the slip does not apply to the dossier (a refusal slip for a dossier never refused).",
    responses={"200": {"description": "The slip as an HTML page", **HTML},
               "404": {"description": "No such dossier or slip", **PROBLEM}})
def get_slip(code, kind):
    ctx = context()
    template, values = slips.slip(ctx, code, kind)
    log_read(ctx, code, "dossier.viewed", what="slip", kind=kind)  # it names the applicant
    response = current_app.response_class(render_template(template, **values),
                                          mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"  # it carries the applicant's personal data
    return response
