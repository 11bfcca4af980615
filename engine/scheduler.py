"""The scheduler process's work: `run_once` is one tick.

APScheduler only calls `run_once` every second (wiring in `api.cli`); tests
call it directly. Each tick records the process's heartbeat, which
`/healthz` reports.
"""
from sqlalchemy import func, select

from .store.system import Heartbeat
from .uow import unit_of_work


def run_once(ctx, name: str = "scheduler") -> None:
    with unit_of_work(ctx) as session:
        beat = session.get(Heartbeat, name)
        if beat is None:
            session.add(Heartbeat(name=name, beat_at=ctx.now()))
        else:
            beat.beat_at = ctx.now()


def heartbeat_age(session, now) -> float | None:
    """Seconds since the freshest scheduler heartbeat, or None if none ever beat."""
    latest = session.scalar(select(func.max(Heartbeat.beat_at)))
    if latest is None:
        return None
    return round((now - latest).total_seconds(), 3)
