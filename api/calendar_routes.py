"""Routes for the working calendar and its overrides: the year's view for any
user, and the administrator's days off and make-up working days."""
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from engine import workcalendar

from .auth import context
from .fields import Instant

blp = Blueprint("calendar", __name__, description="The working calendar and its overrides")


class YearArgs(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class OfficeHours(Schema):
    start = fields.String()
    end = fields.String()


class Holiday(Schema):
    date = fields.Date()
    name = fields.String()


class MakeUpDay(Schema):
    date = fields.Date()
    reason = fields.String()


class YearOverride(Schema):
    date = fields.Date()
    kind = fields.String()
    reason = fields.String()
    created_by = fields.String()


class YearOut(Schema):
    year = fields.Integer()
    office_hours = fields.List(fields.Nested(OfficeHours))
    working_days = fields.List(fields.Date())
    holidays = fields.List(fields.Nested(Holiday))
    make_up_days = fields.List(fields.Nested(MakeUpDay))
    overrides = fields.List(fields.Nested(YearOverride))


class OverrideIn(Schema):
    day = fields.Date(required=True, data_key="date")
    kind = fields.String(required=True, validate=validate.OneOf(workcalendar.KINDS))
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class OverrideOut(Schema):
    day = fields.Date(data_key="date")
    kind = fields.String()
    reason = fields.String()
    created_by = fields.String()
    created_at = Instant()


class OverrideKeyIn(Schema):
    """The date names the override; `kind` and `reason` may come along (API.md)."""
    class Meta:
        unknown = EXCLUDE
    day = fields.Date(required=True, data_key="date")


@blp.get("/calendar")
@blp.arguments(YearArgs, location="query")
@blp.response(200, YearOut)
def calendar_year(args):
    return workcalendar.calendar_year(context(), args["year"])


@blp.post("/calendar/overrides")
@blp.arguments(OverrideIn)
@blp.response(201, OverrideOut)
def add_override(body):
    return workcalendar.add_override(context(), **body)


@blp.delete("/calendar/overrides")
@blp.arguments(OverrideKeyIn)
@blp.response(204)
def remove_override(body):
    workcalendar.remove_override(context(), body["day"])


@blp.delete("/calendar/overrides/<date>")
@blp.arguments(OverrideKeyIn, location="path")
@blp.response(204)
def remove_override_on(args, **_path):
    workcalendar.remove_override(context(), args["day"])
