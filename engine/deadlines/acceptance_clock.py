"""Moving the acceptance-run clock (admin only; the route exists only when
clock control is configured). Workflow time follows it; tokens do not."""
from datetime import datetime

from sqlalchemy import select

from .. import bpmn
from ..kernel.errors import Invalid
from ..people.access import require_role
from ..store.system import ClockOffset

OFFSET_NAME = "acceptance"


def move_clock(ctx, now: datetime | None = None, advance: str | None = None) -> datetime:
    require_role(ctx.actor, "admin")
    if (now is None) == (advance is None):
        raise Invalid("Give either 'now' or 'advance'.",
                      [{"field": "now", "message": "exactly one of now, advance"}])
    if now is not None:
        return ctx.clock.set(now)
    try:
        delta = bpmn.duration_after(advance, ctx.now())
    except ValueError as exc:
        raise Invalid(str(exc), [{"field": "advance", "message": str(exc)}]) from None
    return ctx.clock.advance(delta)


def read_offset(connection):
    """The stored offset in microseconds (0 when never set)."""
    return connection.scalar(select(ClockOffset.offset_us)
                             .where(ClockOffset.name == OFFSET_NAME)) or 0


def write_offset(connection, offset_us: int) -> None:
    table = ClockOffset.__table__
    updated = connection.execute(table.update().where(table.c.name == OFFSET_NAME)
                                 .values(offset_us=offset_us)).rowcount
    if not updated:
        connection.execute(table.insert().values(name=OFFSET_NAME, offset_us=offset_us))
