"""The supervisor's dashboard (`/monitor`, supervisors and leaders): the overdue
and near-due steps and dossiers, the on-time rate by month and by unit, the
heatmap on a procedure's diagram and the report of a period with its CSV.

The page is a frame: its script calls the monitoring API as the visitor
(`/monitor/overdue` for both roles; `/monitor/stats` and `/monitor/heatmap` are
for supervisors, so a leader sees the overdue list only). The view hands the
script what it cannot ask the API cheaply: today by the platform's clock, the
procedures with their versions, the names of the units in the visitor's tree,
the length of a working day and the texts.
"""
from datetime import timedelta

from flask import g, render_template
from flask_babel import pgettext

from engine.catalogue import procedures
from engine.deadlines.calendar import calendar_for
from engine.kernel.clock import VN
from engine.people import directory
from engine.people.access import descendants, within

from .monitor_texts import texts
from .shell import blueprint, page

bp = blueprint("monitor", __name__)
CATALOGUE_PAGE = 200  # every procedure of a province's catalogue fits one page
HOUR = timedelta(hours=1)


@bp.get("/monitor")
@page("supervisor", "leader")
def index():
    ctx = g.ctx
    supervisor = ctx.actor.has("supervisor")
    data = {"supervisor": supervisor, "today": ctx.now().astimezone(VN).date().isoformat(),
            "procedures": _procedures(ctx), "units": _unit_names(ctx),
            "day_hours": calendar_for(ctx.session, ctx.settings.office_hours).day_length / HOUR,
            "near_due": ctx.settings.near_due, "texts": texts()}
    return render_template("monitor/index.html", data=data, supervisor=supervisor,
                           heading=pgettext("monitor", "Supervisor's dashboard"))


def _procedures(ctx) -> list[dict]:
    """Each procedure with its version numbers and the active one (the last)."""
    listed = procedures.list_procedures(ctx, page=1, per_page=CATALOGUE_PAGE)["items"]
    return [{"code": entry.code, "name": entry.name,
             "versions": [version.number for version in entry.versions]}
            for entry in listed]


def _unit_names(ctx) -> dict[str, str]:
    """The units of the visitor's tree (their units, those above and below), by code:
    the overdue list names units by code."""
    mine = within(ctx.session, ctx.actor)
    return directory.unit_names(ctx.session, mine | descendants(ctx.session, mine))
