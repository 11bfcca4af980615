"""The designer's pages: the procedure catalogue (`/designer`, with a form creating
an entry through `POST /procedures`) and one procedure's workshop
(`/designer/<code>`): its versions, the bpmn-js modeler with the Camunda
properties panel, validating (`POST /procedures/{code}/validate`) and deploying
(`POST /procedures/{code}/versions`) from the browser, the form-js editor for the
forms deployed with the diagram, and what changed between two versions.

Tables and facts are rendered here from the catalogue service with the designer's
context; everything that changes something goes through the JSON API from
`web/src/designer.js`. A version's form definitions reach the editor through
`/designer/<code>/versions/<n>/forms` (the API serves a form only with a task).
"""
from flask import g, jsonify, render_template, request

from engine.catalogue import procedures

from . import designer_texts as texts
from .shell import blueprint, page
from .words import statutory_time

bp = blueprint("designer", __name__)
PER_PAGE = 15


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdecimal() else 1


@bp.get("/designer")
@page("designer")
def index():
    listing = procedures.list_procedures(g.ctx, page=_page_number(), per_page=PER_PAGE)
    rows = [_row(procedure) for procedure in listing["items"]]
    agencies = sorted({row["agency"] for row in rows})
    return render_template("designer/index.html", rows=rows, listing=listing,
                           agencies=agencies, levels=texts.levels(), time_units=texts.time_units())


def _row(procedure) -> dict:
    active = procedures.active_version(procedure)
    return {"code": procedure.code, "name": procedure.name, "field": procedure.field,
            "agency": procedure.agency.code,
            "level": texts.levels().get(procedure.level, procedure.level),
            "time": statutory_time(procedure.statutory_value, procedure.statutory_unit),
            "active": active.number if active else None,
            "deployed_at": active.deployed_at if active else None}


@bp.get("/designer/<code>")
@page("designer")
def procedure(code):
    entry = procedures.get_procedure(g.ctx.session, code)
    row = _row(entry)
    numbers = [version.number for version in entry.versions]
    return render_template("designer/procedure.html", procedure=row, data={
        "code": entry.code, "name": entry.name, "versions": numbers,
        "active": row["active"], "texts": texts.page_texts(),
        "panel": texts.panel_texts()})


@bp.get("/designer/<code>/versions/<int:number>/forms")
@page("designer")
def version_forms(code, number):
    """The form definitions of a version (its own and the latest earlier ones), by key."""
    version = procedures.get_version(g.ctx.session, code, number)
    return jsonify(procedures.version_forms(g.ctx.session, version))
