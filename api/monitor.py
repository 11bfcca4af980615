"""Routes for monitoring: the overdue and near-due list and the reconciled
report (API.md, "Monitoring")."""
from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.kernel.settings import AMOUNT
from engine.monitoring import overdue, stats

from . import stats_csv
from .auth import context
from .fields import Instant, PageArgs, PeriodArgs, page_schema
from .openapi import problems

blp = Blueprint("monitor", __name__, description="Monitoring (supervisors and leaders)")


class OverdueFilter(PageArgs):
    within = fields.String(load_default=None, validate=[
        validate.Length(max=16), validate.Regexp(AMOUNT)], metadata={
        "description": "Near due: due within this much working time from now, e.g. `4h` "
                       "or `0.5d` (default: the setting `MOTCUA_NEAR_DUE`, half a working day)"})
    unit = fields.String(validate=validate.Length(max=64), metadata={
        "description": "This unit and the units below it: the dossier's handling unit, "
                       "or a step's candidate unit"})
    procedure = fields.String(validate=validate.Length(max=64))
    level = fields.String(validate=validate.OneOf(overdue.LEVELS))
    kind = fields.String(validate=validate.OneOf(overdue.KINDS))


class OverdueOut(Schema):
    kind = fields.String(validate=validate.OneOf(overdue.KINDS))
    dossier_code = fields.String()
    procedure = fields.String()
    level = fields.String(validate=validate.OneOf(overdue.LEVELS))
    handling_unit = fields.String()
    receiving_unit = fields.String()
    task_id = fields.String(allow_none=True, metadata={"description": "A step's; null for a "
                                                                      "dossier"})
    element_id = fields.String(allow_none=True)
    name = fields.String(allow_none=True, metadata={"description": "The step's name"})
    candidate_groups = fields.List(fields.String(), metadata={
        "description": "The step's candidate units and roles (empty for a dossier)"})
    assignee = fields.String(allow_none=True, metadata={"description": "Username, or null"})
    due_at = Instant()
    overdue = fields.Boolean(metadata={"description": "Past its due time"})
    working_hours_late = fields.Float(metadata={
        "description": "Working hours from the due time to now on the working calendar: "
                       "positive when late, negative for the hours left"})


@blp.get("/monitor/overdue")
@blp.arguments(OverdueFilter, location="query")
@blp.response(200, page_schema(OverdueOut, "OverduePage"))
@problems(403, (422, "Invalid filters, or a `within` over 60 working days"))
def list_overdue(args):
    """Overdue and near-due steps and dossiers (supervisors, leaders)

    Open steps and dossiers whose statutory clock runs (not waiting for a
    supplement, not closed) that are past their due time or due within
    `within` working time, of the dossiers the caller may see; most late first,
    paginated. No personal data."""
    return overdue.overdue(context(), **args)


class StatsArgs(PeriodArgs):
    group_by = fields.String(load_default="procedure", validate=validate.OneOf(stats.GROUPS),
                             metadata={"description": "`unit`: the handling unit at the "
                                                      "period's end; `desk`: the receiving desk; "
                                                      "`level` and `field`: the procedure's when "
                                                      "the dossier entered"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class ReceivedOut(Schema):
    carried_over, online, direct, post, total = (fields.Integer() for _ in range(5))


class ResolvedOut(Schema):
    early, on_time, late, total, apologised = (fields.Integer() for _ in range(5))


class InProgressOut(Schema):
    within_time, overdue, total = (fields.Integer() for _ in range(3))


class RatesOut(Schema):
    on_time = fields.Float(allow_none=True, metadata={"description": "(early + on time) / "
                                                                     "resolved"})
    online = fields.Float(allow_none=True, metadata={"description": "online / received"})
    digitised = fields.Float(allow_none=True, metadata={
        "description": "resolved dossiers whose every document and result is digitised, "
                       "over resolved"})


class FiguresOut(Schema):
    received = fields.Nested(ReceivedOut, metadata={"description": (
        "Dossiers that entered: an online submission when submitted (received at the desk "
        "or not yet), a desk's dossier when received, sent back for papers or refused on the "
        "spot. `total`: the period's new dossiers (online + direct + post), not those carried "
        "over (entered before the period and not closed by its start)")})
    resolved = fields.Nested(ResolvedOut, metadata={"description": (
        "Against the appointment on the receipt; `apologised`: those of them extended once "
        "(an apology slip), counted apart, also within early, on time or late")})
    in_progress = fields.Nested(InProgressOut, metadata={"description": "At the period's end"})
    supplement = fields.Integer(metadata={"description": "Waiting for papers at the period's "
                                                         "end"})
    stopped = fields.Integer()
    withdrawn = fields.Integer()
    refused = fields.Integer()
    rates = fields.Nested(RatesOut)


class StatsRow(FiguresOut):
    key = fields.String(allow_none=True)
    name = fields.String(allow_none=True, metadata={
        "description": "The procedure's or unit's name (null for other groupings)"})


class StatsOut(Schema):
    date_from = fields.Date(data_key="from", attribute="from")
    date_to = fields.Date(data_key="to", attribute="to")
    group_by = fields.String()
    rows = fields.List(fields.Nested(StatsRow))
    total = fields.Nested(FiguresOut)


CSV = {"text/csv": {"schema": {"type": "string"}}}


@blp.get("/monitor/stats")
@blp.arguments(StatsArgs, location="query")
@blp.response(200, StatsOut)
@blp.doc(responses={"200": {"content": {"application/json": {"schema": StatsOut}, **CSV}}})
@problems(403, (422, "Invalid period or grouping"))
def get_stats(args):
    """The reconciled report of a period (supervisors)

    Received (carried over, online, direct, post), resolved (early, on time,
    late; apologised ones counted apart), in progress at the period's end
    (within time, overdue), waiting for a supplement, stopped, withdrawn,
    refused, by the group's key and in total; carried over + received =
    resolved + in progress + supplement + stopped + withdrawn + refused, for
    every row. Computed from the event log: a past period's answer does not
    change. `format=csv`: the same figures, one line per row and the total, in
    UTF-8 with a byte order mark (a spreadsheet keeps the Vietnamese text)."""
    fmt = args.pop("format")
    figures = stats.report(context(), **args)
    if fmt == "csv":
        return Response(stats_csv.render(figures), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="stats-{figures["from"]}-'
                                   f'{figures["to"]}-{figures["group_by"]}.csv"'})
    return figures
