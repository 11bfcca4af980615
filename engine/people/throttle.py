"""Throttles kept in the database: attempts counted per kind and key (a
username, an address) in a fixed window, shared by every worker and process.

`take` counts an attempt before it is made, in a unit of work of its own, and
refuses it past the limit: however many requests arrive at once, no more than
the limit get through in a window; `give_back` uncounts one that succeeded.
`blocked` only reads and `hit` only counts, for limits where concurrent good
attempts must not use up the allowance (many people logging in behind one
address). A refused caller gets `Throttled`, a 429 with the seconds until its
window ends. Instants come from the caller: authentication follows the wall
clock, not the platform's.
"""
import math
from datetime import timedelta

from sqlalchemy import and_, case, delete, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from ..kernel.errors import DomainError
from ..kernel.uow import unit_of_work
from ..store.people import Throttle

KEY_LENGTH = 255


class Throttled(DomainError):
    title = "Too many requests"
    status = 429

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


def take(ctx, limits: dict, window: timedelta, now, detail="Too many requests; retry later."):
    """Count one attempt on each `(kind, key)` of `limits` (mapping to its limit),
    committed at once; raise `Throttled` when one of them is over its limit."""
    limits = _normal(limits)
    rows = hit(ctx, limits, window, now)
    waits = [_seconds(row.expires_at - now) for row in rows
             if row.count > limits[(row.kind, row.key)]]
    if waits:
        raise Throttled(detail, max(waits))


def blocked(session, limits: dict, now, detail="Too many requests; retry later."):
    """Raise `Throttled` when a counter of `limits` has reached its limit in the
    current window (a read: nothing is counted)."""
    limits = _normal(limits)
    keys = [and_(Throttle.kind == kind, Throttle.key == key) for kind, key in limits]
    rows = session.execute(select(Throttle.kind, Throttle.key, Throttle.count,
                                  Throttle.expires_at)
                           .where(or_(*keys), Throttle.expires_at > now)).all()
    waits = [_seconds(row.expires_at - now) for row in rows
             if row.count >= limits[(row.kind, row.key)]]
    if waits:
        raise Throttled(detail, max(waits))


def hit(ctx, keys, window: timedelta, now) -> list:
    """Count one attempt on each `(kind, key)`, committed at once; returns the rows
    `(kind, key, count, expires_at)` as counted."""
    with unit_of_work(ctx) as session:
        return _count(session, keys, window, now)


def give_back(ctx, limits: dict, now):
    """Uncount an attempt `take` counted (it succeeded), in the window it was
    counted in."""
    keys = [and_(Throttle.kind == kind, Throttle.key == _key(key)) for kind, key in limits]
    with unit_of_work(ctx) as session:
        session.execute(update(Throttle).where(or_(*keys), Throttle.expires_at > now,
                                               Throttle.count > 0)
                        .values(count=Throttle.count - 1))


def _count(session, keys, window, now) -> list:
    table = Throttle.__table__
    postgres = session.get_bind().dialect.name == "postgresql"
    dialect = postgresql if postgres else sqlite
    values = [{"kind": kind, "key": _key(key), "count": 1, "expires_at": now + window}
              for kind, key in sorted(set(keys))]  # one order: no deadlock between two
    stmt = dialect.insert(table).values(values)
    fresh = table.c.expires_at <= now  # the window has ended: start a new one
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.kind, table.c.key],
        set_={"count": case((fresh, stmt.excluded.count), else_=table.c.count + 1),
              "expires_at": case((fresh, stmt.excluded.expires_at),
                                 else_=table.c.expires_at)})
    rows = session.execute(stmt.returning(table.c.kind, table.c.key, table.c.count,
                                          table.c.expires_at)).all()
    if any(row.expires_at == now + window for row in rows):
        _forget_ended(session, now, postgres)  # now and then: as a window starts
    return rows


def _forget_ended(session, now, postgres):
    """Delete counters whose window has ended. On PostgreSQL rows another
    transaction holds are skipped, so this never waits (nor deadlocks)."""
    if postgres:
        ended = (select(Throttle.kind, Throttle.key).where(Throttle.expires_at <= now)
                 .with_for_update(skip_locked=True))
        session.execute(delete(Throttle).where(tuple_(Throttle.kind, Throttle.key).in_(ended)))
    else:  # one writer at a time: nothing to skip
        session.execute(delete(Throttle).where(Throttle.expires_at <= now))


def _normal(limits: dict) -> dict:
    return {(kind, _key(key)): limit for (kind, key), limit in limits.items()}


def _key(key) -> str:
    return str(key or "")[:KEY_LENGTH]


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
