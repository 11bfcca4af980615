"""The scheduler process's work: `run_once` is one tick.

APScheduler only calls `run_once` every second (wiring in `api.cli`); tests
call it and `fire_due` directly. A tick records the heartbeat (again every
few seconds of a long sweep), fires the due timers and sends pending e-mail.
`fire_due` claims due rows with a lease (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so any number of schedulers share the work; SQLite: one writer at a
time), then fires each in its own transaction that re-checks the lease, so
each timer fires once; a BPMN timer's diagram code runs before that
transaction, with no lock held. A crashed scheduler's rows are taken over
when its lease expires; a failing firing is retried with backoff and keeps
its error. Its cost grows with the due rows only.
"""
import time
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from . import firing, mail, workflow
from .errors import Conflict
from .store.system import Heartbeat
from .store.timers import Timer
from .uow import unit_of_work

MAX_ATTEMPTS = 8
BEAT_SECONDS = 5  # during a long sweep the heartbeat is written again this often


def run_once(ctx, name="scheduler", lease_seconds=60, batch=100, smtp=None,
             on_claim=None) -> int:
    beat = _heartbeat(ctx, name)
    fired = fire_due(ctx, name, lease_seconds, batch, on_claim, on_fired=beat)
    mail.deliver_pending(ctx, smtp or {})
    return fired


def _heartbeat(ctx, name):
    """Beat now; the function returned beats again once BEAT_SECONDS have
    passed, so a sweep through slow diagram code (each firing is bounded, not
    their sum) does not look like a dead scheduler."""
    last = [None]

    def beat():
        if last[0] is not None and time.monotonic() - last[0] < BEAT_SECONDS:
            return
        try:
            with unit_of_work(ctx) as session:
                row = session.get(Heartbeat, name)
                if row is None:
                    session.add(Heartbeat(name=name, beat_at=ctx.now()))
                else:
                    row.beat_at = ctx.now()
        except Conflict:
            if last[0] is None:
                raise  # the tick's own beat: as before, the tick fails
            return  # mid-sweep: the next firing beats again
        last[0] = time.monotonic()
    beat()
    return beat


def fire_due(ctx, owner, lease_seconds=60, batch=100, on_claim=None, max_batches=50,
             on_fired=None) -> int:
    """Claim due timers `batch` at a time and fire them until none are due (or
    `max_batches` were taken); returns how many fired. `on_claim(ids)` is told
    what was claimed before any fires (for logs), `on_fired()` after each."""
    fired = 0
    for _ in range(max_batches):
        ids = claim(ctx, owner, lease_seconds, batch)
        if not ids:
            break
        if on_claim is not None:
            on_claim(ids)
        for timer_id in ids:
            fired += fire_one(ctx, owner, timer_id)
            if on_fired is not None:
                on_fired()
        if len(ids) < batch:
            break
    return fired


def claim(ctx, owner, lease_seconds, batch) -> list[int]:
    now = ctx.now()
    with unit_of_work(ctx) as session:
        due = (select(Timer.id)
               .where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None), Timer.due_at < now,
                      Timer.attempts < MAX_ATTEMPTS,
                      or_(Timer.lock_expires_at.is_(None), Timer.lock_expires_at < now))
               .order_by(Timer.due_at).limit(batch).with_for_update(skip_locked=True))
        ids = list(session.scalars(due))
        if ids:
            session.execute(update(Timer).where(Timer.id.in_(ids)).values(
                lock_owner=owner, lock_expires_at=now + timedelta(seconds=lease_seconds)))
    return ids


def fire_one(ctx, owner, timer_id) -> bool:
    """Fire one claimed timer, unless its lease passed to someone else. A BPMN
    timer's diagram code runs before its unit of work (`firing.fire_bpmn`)."""
    try:
        ctx.session.rollback()
        kind, dossier_id = ctx.session.execute(
            select(Timer.kind, Timer.dossier_id).where(Timer.id == timer_id)).one()
        if kind == "bpmn":
            return firing.fire_bpmn(ctx, timer_id, owner,
                                    lambda session: _win(ctx, session, owner, timer_id))
        with unit_of_work(ctx) as session:
            dossier = workflow.lock(session, dossier_id)  # dossier first, as commands do
            if not _win(ctx, session, owner, timer_id):
                return False
            firing.fire(ctx, session.get(Timer, timer_id, populate_existing=True), dossier)
        return True
    except Exception as exc:  # noqa: BLE001 - recorded on the row and retried later
        _record_failure(ctx, owner, timer_id, exc)
        return False


def _win(ctx, session, owner, timer_id) -> bool:
    """Mark the timer fired if this scheduler still holds its lease."""
    return bool(session.execute(update(Timer).where(
        Timer.id == timer_id, Timer.lock_owner == owner, Timer.fired_at.is_(None),
        Timer.cancelled_at.is_(None)).values(fired_at=ctx.now())).rowcount)


def _record_failure(ctx, owner, timer_id, exc):
    """Count the attempt and back off, unless the lease passed to someone else;
    the last attempt puts the dossier into an incident that a leader retries."""
    with unit_of_work(ctx) as session:
        dossier_id = session.scalar(select(Timer.dossier_id).where(Timer.id == timer_id))
        dossier = workflow.lock(session, dossier_id)
        timer = session.get(Timer, timer_id, populate_existing=True)
        if timer.lock_owner != owner or timer.fired_at is not None:
            return
        timer.attempts += 1
        timer.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        timer.lock_owner = None
        # the lease field doubles as "not before": 2, 4, 8 ... seconds, at most an hour
        timer.lock_expires_at = ctx.now() + timedelta(seconds=min(2 ** timer.attempts, 3600))
        if timer.attempts >= MAX_ATTEMPTS:
            firing.give_up(ctx, timer, dossier)


def heartbeat_age(session, now) -> float | None:
    """Seconds since the freshest scheduler heartbeat, or None if none ever beat."""
    latest = session.scalar(select(func.max(Heartbeat.beat_at)))
    if latest is None:
        return None
    return round((now - latest).total_seconds(), 3)
