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
its error. Its cost grows with the due rows only. Lease, batch and the SMTP
server are `ctx.settings`. Each claim, lease takeover, failure and backoff is
logged with the timer's job id (`timer:<id>`) and its dossier's code.
"""
import time
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from ..dossier import workflow
from ..kernel import logs
from ..kernel.errors import Conflict
from ..kernel.uow import unit_of_work
from ..store.dossiers import Dossier
from ..store.system import Heartbeat
from ..store.timers import Timer
from . import firing, mail

MAX_ATTEMPTS = 8
BEAT_SECONDS = 5  # during a long sweep the heartbeat is written again this often
log = logs.get("scheduler")


def run_once(ctx, name="scheduler") -> int:
    """One tick: beat, fire the due timers, send pending e-mail; how many fired."""
    beat = _heartbeat(ctx, name)
    fired = fire_due(ctx, name, on_fired=beat)
    if fired:
        log.info("timers fired", extra={"scheduler": name, "fired": fired})
    mail.deliver_pending(ctx)
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


def fire_due(ctx, owner, on_claim=None, max_batches=50, on_fired=None) -> int:
    """Claim due timers `ctx.settings.timer_batch` at a time (each for
    `timer_lease_seconds`) and fire them until none are due (or `max_batches`
    were taken); returns how many fired. `on_claim(ids)` is told what was
    claimed before any fires, `on_fired()` after each."""
    fired, batch = 0, ctx.settings.timer_batch
    for _ in range(max_batches):
        ids = claim(ctx, owner, ctx.settings.timer_lease_seconds, batch)
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
        due = (select(Timer.id, Timer.lock_owner, Dossier.code).join(Dossier)
               .where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None), Timer.due_at < now,
                      Timer.attempts < MAX_ATTEMPTS,
                      or_(Timer.lock_expires_at.is_(None), Timer.lock_expires_at < now))
               .order_by(Timer.due_at).limit(batch))
        rows = session.execute(due.with_for_update(skip_locked=True, of=Timer)).all()
        ids = [row.id for row in rows]
        if ids:
            session.execute(update(Timer).where(Timer.id.in_(ids)).values(
                lock_owner=owner, lock_expires_at=now + timedelta(seconds=lease_seconds)))
    if ids:
        log.info("timers claimed", extra={"scheduler": owner, "claimed": len(ids)})
    for row in rows:
        if row.lock_owner is not None:  # its holder's lease ran out: it died or stalled
            with logs.bound(job_id=f"timer:{row.id}", dossier=row.code):
                log.warning("timer lease taken over", extra={
                    "scheduler": owner, "previous_owner": row.lock_owner})
    return ids


def fire_one(ctx, owner, timer_id) -> bool:
    """Fire one claimed timer, unless its lease passed to someone else. A BPMN
    timer's diagram code runs before its unit of work (`firing.fire_bpmn`)."""
    ctx.session.rollback()
    kind, dossier_id, code = ctx.session.execute(
        select(Timer.kind, Timer.dossier_id, Dossier.code).join(Dossier)
        .where(Timer.id == timer_id)).one()
    with logs.bound(job_id=f"timer:{timer_id}", dossier=code):
        try:
            fired = _fire(ctx, owner, timer_id, kind, dossier_id)
        except Exception as exc:  # noqa: BLE001 - recorded on the row and retried later
            _record_failure(ctx, owner, timer_id, exc)
            return False
        if fired:
            log.debug("timer fired", extra={"scheduler": owner, "kind": kind})
        else:
            log.info("timer lease lost", extra={"scheduler": owner, "kind": kind})
        return fired


def _fire(ctx, owner, timer_id, kind, dossier_id) -> bool:
    if kind == "bpmn":
        return firing.fire_bpmn(ctx, timer_id, owner,
                                lambda session: _win(ctx, session, owner, timer_id))
    with unit_of_work(ctx) as session:
        dossier = workflow.lock(session, dossier_id)  # dossier first, as commands do
        if not _win(ctx, session, owner, timer_id):
            return False
        firing.fire(ctx, session.get(Timer, timer_id, populate_existing=True), dossier)
    return True


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
        timer.last_error = logs.describe(exc)  # never a statement or its parameters
        timer.lock_owner = None
        # the lease field doubles as "not before": 2, 4, 8 ... seconds, at most an hour
        backoff = min(2 ** timer.attempts, 3600)
        timer.lock_expires_at = ctx.now() + timedelta(seconds=backoff)
        if timer.attempts >= MAX_ATTEMPTS:
            firing.give_up(ctx, timer, dossier)
        attempts, kind = timer.attempts, timer.kind
    details = {"scheduler": owner, "kind": kind, "error": logs.describe(exc),
               "attempt": attempts, "max_attempts": MAX_ATTEMPTS}
    if attempts >= MAX_ATTEMPTS:
        log.error("timer failed: the dossier shows an incident", extra=details)
    else:
        log.warning("timer failed: retried after a backoff",
                    extra={**details, "retry_in_seconds": backoff})
    log.debug("timer failure", exc_info=exc)


def heartbeat_age(session, now) -> float | None:
    """Seconds since the freshest scheduler heartbeat, or None if none ever beat."""
    latest = session.scalar(select(func.max(Heartbeat.beat_at)))
    if latest is None:
        return None
    return round((now - latest).total_seconds(), 3)
