"""Routes for monitoring the steps (API.md, "Monitoring"): the heatmap of a
procedure version's elements and the scores of units and officers."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.monitoring import heatmap, scores

from .auth import context
from .fields import PeriodArgs
from .openapi import problems

blp = Blueprint("monitor_steps", __name__,
                description="Monitoring the steps: heatmap and scores (supervisors)")

PERIOD_422 = (422, "An invalid date, `from` after `to`, or a period over 366 days")


class ElementOut(Schema):
    element_id = fields.String(metadata={"description": "The BPMN id of the user task"})
    name = fields.String()
    lane = fields.String(allow_none=True, metadata={
        "description": "As drawn: a unit code, role or `@function`"})
    open = fields.Integer(metadata={"description": "Open steps now, claimed or not"})
    overdue = fields.Integer(metadata={
        "description": "Open steps past their due time now (not those waiting with their "
                       "dossier for a supplement)"})
    completed = fields.Integer(metadata={"description": "Steps completed in the period"})
    mean_wait_working_hours = fields.Float(allow_none=True, metadata={
        "description": "Mean working time from opened to completed of those steps; null "
                       "when none"})
    p90_wait_working_hours = fields.Float(allow_none=True, metadata={
        "description": "90th percentile of the same (linear between the nearest ranks)"})


class HeatmapOut(Schema):
    procedure = fields.String()
    number = fields.Integer()
    date_from = fields.Date(data_key="from", attribute="from")
    date_to = fields.Date(data_key="to", attribute="to")
    elements = fields.List(fields.Nested(ElementOut), metadata={
        "description": "Every user task of the version's diagram, in diagram order"})


@blp.get("/monitor/heatmap/<procedure>/<int:number>")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, HeatmapOut)
@problems(403, (404, "No such procedure or version"), PERIOD_422)
def get_heatmap(args, procedure, number):
    """Where the dossiers of a procedure version wait (supervisors)

    For each user task of the version's diagram: its open steps and the overdue
    ones now, the steps completed in the period and their mean and 90th-percentile
    wait in working time (opened to completed), over the dossiers the caller may
    see."""
    return heatmap.heatmap(context(), procedure, number, **args)


class ScoresArgs(PeriodArgs):
    unit = fields.String(load_default=None, validate=validate.Length(min=1, max=64), metadata={
        "description": "This unit and the units below it"})


class StepsOut(Schema):
    done = fields.Integer(metadata={"description": "Steps completed in the period"})
    on_time = fields.Integer(metadata={"description": "Of them, completed by their due time "
                                                      "(or without an allotment)"})
    rate = fields.Float(allow_none=True, metadata={
        "description": "on_time / done; null when none"})
    grade = fields.String(allow_none=True, validate=validate.OneOf(scores.GRADES))


class DossiersOut(Schema):
    resolved = fields.Integer(metadata={
        "description": "Dossiers handled by the unit resolved in the period (the reconciled "
                       "report)"})
    on_time = fields.Integer(metadata={"description": "Of them, early or on time"})
    rate = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True, validate=validate.OneOf(scores.GRADES))


class UnitScoreOut(Schema):
    unit = fields.String()
    name = fields.String()
    steps = fields.Nested(StepsOut, metadata={"description": "Steps with the unit among "
                                                             "their candidate groups"})
    dossiers = fields.Nested(DossiersOut)


class OfficerScoreOut(Schema):
    username = fields.String()
    full_name = fields.String()
    units = fields.List(fields.String(), metadata={"description": "The officer's units in "
                                                                  "the scores' scope"})
    steps = fields.Nested(StepsOut, metadata={"description": "Steps the officer completed"})


class ThresholdsOut(Schema):
    good = fields.Float(metadata={"description": "A rate at or above this is good"})
    fair = fields.Float(metadata={"description": "At or above this fair, below it weak"})


class ScoresOut(Schema):
    date_from = fields.Date(data_key="from", attribute="from")
    date_to = fields.Date(data_key="to", attribute="to")
    thresholds = fields.Nested(ThresholdsOut, metadata={
        "description": "The setting `MOTCUA_SCORE_GRADES`"})
    units = fields.List(fields.Nested(UnitScoreOut))
    officers = fields.List(fields.Nested(OfficerScoreOut))


@blp.get("/monitor/scores")
@blp.arguments(ScoresArgs, location="query")
@blp.response(200, ScoresOut)
@problems(403, (422, "An invalid period (as for the heatmap), or no such unit"))
def get_scores(args):
    """Steps and dossiers on time, per unit and officer, graded (supervisors)

    Steps completed in the period on time against their allotments, per unit
    (among the steps' candidate groups) and per officer (who completed them);
    dossiers resolved on time per handling unit (the reconciled report); each
    rate graded `good`, `fair` or `weak` by the thresholds. Units and officers
    of the caller's units and those below them, that did something in the
    period."""
    return scores.scores(context(), **args)
