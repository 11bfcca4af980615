"""Routes for monitoring: the overdue and near-due list (API.md, "Monitoring")."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.kernel.settings import AMOUNT
from engine.monitoring import overdue

from .auth import context
from .fields import Instant, PageArgs, page_schema
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
