"""Routes for the working calendar and its overrides: the year's view for any
user, and the administrator's days off and make-up working days."""
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.deadlines import calendar

from .auth import context
from .fields import Instant
from .openapi import problems
from .presentation import answer_language, label

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
    kind = fields.String(validate=validate.OneOf(calendar.KINDS))
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
    kind = fields.String(required=True, validate=validate.OneOf(calendar.KINDS))
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class OverrideOut(Schema):
    day = fields.Date(data_key="date")
    kind = fields.String(validate=validate.OneOf(calendar.KINDS))
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
    """The working calendar of a year

    Working days, holidays, make-up working days, the administrators' overrides
    and office hours; `year` defaults to the current one."""
    language = answer_language()
    year = calendar.calendar_year(context(), args["year"], language)
    for day in year["holidays"]:
        day["name"] = day["name"] or label("day_off", "calendar", language)
    for day in year["make_up_days"]:
        day["reason"] = day["reason"] or label("make_up", "calendar", language)
    return year


@blp.post("/calendar/overrides")
@blp.arguments(OverrideIn)
@blp.response(201, OverrideOut)
@problems(403, (409, "A concurrent change of the same date; retry"), 422)
def add_override(body):
    """Add a day off or a make-up working day (administrators)

    `kind`: `day_off` or `working_day`; it replaces an override of the same date,
    and wins over the holidays data."""
    return calendar.add_override(context(), **body)


@blp.delete("/calendar/overrides")
@blp.arguments(OverrideKeyIn)
@blp.response(204)
@problems(403, (404, "No override on that date"))
def remove_override(body):
    """Remove an override (administrators)

    The JSON body's `date` names it (`kind` and `reason` may come along)."""
    calendar.remove_override(context(), body["day"])


@blp.delete("/calendar/overrides/<date>")
@blp.arguments(OverrideKeyIn, location="path")
@blp.response(204)
@problems(403, (404, "No override on that date"))
def remove_override_on(args, **_path):
    """Remove the override of a date (administrators)

    The same as removing it by a JSON body, with the date in the path."""
    calendar.remove_override(context(), args["day"])
