"""Operational figures for `/metrics`: plain numbers counted in the database at
scrape time, the same whichever process answers.

Owns what each figure counts. Dossiers by status; open dossiers (`status.OPEN`);
overdue dossiers (clock running and past due: `status.clock_running`, the rule
of `GET /dossiers?overdue=true`); open steps, and overdue ones (open, past due,
their dossier at work: a step waiting with its dossier for papers is not late);
incidents open (a dossier whose `incident` is set); due timers waiting (live
rows past their due time: not fired, not cancelled, retried or given up), the
age of the oldest of them, and those that failed at least once; timers fired
by kind and timer failures given up (`timer.failed` events), both cumulative
so that Prometheus takes rates; the lag of fired timers (seconds from due to
fired) as cumulative histogram buckets; e-mails waiting in the outbox and those
given up. Aggregates only (COUNT, MIN, SUM): a fixed handful of statements and
no row loaded, whatever the data holds. No code, name or id leaves this module.
"""
from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, extract, func, select

from ..dossier import status
from ..store.dossiers import Dossier, Task
from ..store.events import Event
from ..store.notifications import Notification
from ..store.timers import KINDS, Timer

# Upper bounds of the timer lag buckets, in seconds: a tick is a second, a
# backlog or a stopped scheduler shows in minutes and hours.
LAG_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 14400.0, 86400.0)


@dataclass(frozen=True)
class Lag:
    """Fired timers' lag: how many, their total, and how many within each bound."""
    count: int
    total_seconds: float
    buckets: tuple[tuple[float, int], ...]  # (upper bound, fired timers at most that late)


@dataclass(frozen=True)
class Figures:
    dossiers: dict[str, int]  # by status: every status, zero included
    dossiers_open: int
    dossiers_overdue: int
    incidents_open: int
    steps_open: int
    steps_overdue: int
    timers_due_waiting: int
    oldest_due_seconds: float  # since the due time of the oldest waiting; 0 when none
    timers_failing: int  # live timers that failed at least once (retrying or given up)
    timers_fired: dict[str, int]  # by kind, every kind
    timer_failures: int  # timers given up after their last attempt (`timer.failed`)
    timer_lag: Lag
    mails_waiting: int
    mails_given_up: int


def figures(ctx, mail_attempts: int) -> Figures:
    """The figures now (`ctx.now()`). `mail_attempts`: the outbox's attempts
    before an e-mail is given up (the scheduling room's, which this room may not
    import)."""
    session, now = ctx.session, ctx.now()
    by_status = dict.fromkeys(status.STATUSES, 0)
    by_status.update(session.execute(
        select(Dossier.status, func.count()).group_by(Dossier.status)).all())
    overdue, incidents = session.execute(select(
        _count(and_(status.clock_running(), Dossier.due_at < now)),
        # a cleared incident may be stored as JSON null rather than SQL NULL
        _count(cast(Dossier.incident, String) != "null"))).one()
    steps_open, steps_overdue = session.execute(
        select(func.count(), _count(and_(Task.due_at < now, Dossier.status.in_(status.WORKING))))
        .select_from(Task).join(Dossier, Dossier.id == Task.dossier_id)
        .where(Task.status == "open")).one()
    waiting, oldest, failing = session.execute(
        select(_count(Timer.due_at < now), func.min(case((Timer.due_at < now, Timer.due_at))),
               _count(Timer.attempts > 0))
        .where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None))).one()
    fired = dict.fromkeys(KINDS, 0)
    fired.update(session.execute(select(Timer.kind, func.count())
                                 .where(Timer.fired_at.is_not(None)).group_by(Timer.kind)).all())
    failures = session.scalar(select(func.count()).where(Event.type == "timer.failed"))
    mails_waiting, mails_given_up = session.execute(
        select(_count(Notification.email_attempts < mail_attempts),
               _count(Notification.email_attempts >= mail_attempts))
        .where(Notification.email_to.is_not(None), Notification.emailed_at.is_(None))).one()
    return Figures(
        dossiers=by_status, dossiers_open=sum(by_status[name] for name in status.OPEN),
        dossiers_overdue=overdue, incidents_open=incidents, steps_open=steps_open,
        steps_overdue=steps_overdue, timers_due_waiting=waiting,
        oldest_due_seconds=(now - oldest).total_seconds() if oldest is not None else 0.0,
        timers_failing=failing, timers_fired=fired, timer_failures=failures,
        timer_lag=_lag(session), mails_waiting=mails_waiting, mails_given_up=mails_given_up)


def _count(condition):
    """COUNT of the rows where `condition` holds (CASE yields NULL elsewhere)."""
    return func.count(case((condition, 1)))


def _lag(session) -> Lag:
    """Every fired timer's lag, summed and counted into the buckets, in one statement."""
    lag = _seconds_between(session, Timer.due_at, Timer.fired_at)
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(lag), 0.0),
               *(_count(lag <= bound) for bound in LAG_BUCKETS))
        .where(Timer.fired_at.is_not(None))).one()
    return Lag(count=row[0], total_seconds=float(row[1]),
               buckets=tuple(zip(LAG_BUCKETS, row[2:])))


def _seconds_between(session, earlier, later):
    """`later - earlier` in seconds, in SQL (SQLite keeps UTC text, PostgreSQL timestamps)."""
    if session.get_bind().dialect.name == "postgresql":
        return extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0
