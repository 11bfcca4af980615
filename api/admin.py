"""`POST /admin/clock`: the acceptance-run clock, registered only when
`MOTCUA_CLOCK_CONTROL=1` (otherwise the path is a 404)."""
from datetime import datetime, timezone

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.deadlines.acceptance_clock import move_clock

from .auth import context
from .fields import Instant
from .openapi import problems

blp = Blueprint("admin", __name__, description="Acceptance-run controls")


class ClockIn(Schema):
    now = fields.AwareDateTime(load_default=None, validate=validate.Range(
        min=datetime(2000, 1, 1, tzinfo=timezone.utc),
        max=datetime(2100, 1, 1, tzinfo=timezone.utc)))
    advance = fields.String(load_default=None)


class ClockOut(Schema):
    now = Instant()


@blp.post("/admin/clock")
@blp.arguments(ClockIn)
@blp.response(200, ClockOut)
@problems(403, (422, "Neither or both of `now` and `advance`, or a bad duration"))
def clock(body):
    """Set or advance the platform clock (administrators, acceptance runs)

    `{"now": ISO instant}` or `{"advance": ISO 8601 duration}`; answers the new
    `now`. Workflow time follows it; authentication follows the wall clock. Only
    with MOTCUA_CLOCK_CONTROL=1."""
    return {"now": move_clock(context(), **body)}
