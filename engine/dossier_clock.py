"""The dossier's statutory clock: start at reception, pause and resume,
restart, one extension, stop. Each keeps `due_at` and the `dossier_due`
timer row in step; called inside a service's unit of work (flush only)."""
from datetime import timedelta

from . import events, timers
from .calendar import add_working_time, working_time_between
from .deadlines import clock_start, statutory_due
from .errors import Conflict, Invalid
from .workcalendar import calendar_for

ONE_WORKING_DAY = timedelta(hours=8)


def start(ctx, dossier) -> None:
    """Start (or restart from zero) the full statutory time from now."""
    cal = calendar_for(ctx.session)
    procedure = dossier.procedure
    dossier.clock_state, dossier.clock_paused_at = "running", None
    dossier.clock_started_at = clock_start(ctx.now(), cal)
    _set_due(ctx, dossier, statutory_due(dossier.clock_started_at, procedure.statutory_value,
                                         procedure.statutory_unit, cal))


def pause(ctx, dossier) -> None:
    _require(dossier, "running", "pause")
    cal = calendar_for(ctx.session)
    remaining = max(working_time_between(ctx.now(), dossier.due_at, cal), timedelta())
    dossier.clock_state, dossier.clock_paused_at = "paused", ctx.now()
    dossier.clock_remaining_seconds = int(remaining.total_seconds())
    timers.cancel(ctx.session, dossier, ctx.now(), ["dossier_due"])
    events.record(ctx, "clock.paused", dossier=dossier,
                  detail={"remaining_seconds": dossier.clock_remaining_seconds})


def resume(ctx, dossier) -> None:
    """Carry on with the working time that was left at the pause."""
    _require(dossier, "paused", "resume")
    cal = calendar_for(ctx.session)
    remaining = timedelta(seconds=dossier.clock_remaining_seconds or 0)
    dossier.clock_state, dossier.clock_paused_at = "running", None
    dossier.clock_remaining_seconds = None
    _set_due(ctx, dossier, add_working_time(ctx.now(), remaining, cal))
    events.record(ctx, "clock.resumed", dossier=dossier)


def extend(ctx, dossier, new_due_at, reason: str) -> None:
    """The one extension: asked at least one working day before the due time."""
    _require(dossier, "running", "extend")
    if dossier.extended_to is not None:
        raise Conflict("This dossier has already been extended once.")
    left = working_time_between(ctx.now(), dossier.due_at, calendar_for(ctx.session))
    if left < ONE_WORKING_DAY:
        raise Conflict("An extension must be asked at least one working day before the "
                       "due time.")
    if new_due_at <= dossier.due_at:
        raise Invalid("The new appointment must be later than the current due time.",
                      [{"field": "new_due_at", "message": "not after the current due time"}])
    dossier.extended_to = new_due_at
    _set_due(ctx, dossier, new_due_at)
    events.record(ctx, "clock.extended", dossier=dossier,
                  detail={"new_due_at": new_due_at.isoformat(), "reason": reason})


def stop(ctx, dossier) -> None:
    dossier.clock_state = "stopped"
    timers.cancel(ctx.session, dossier, ctx.now(), ["dossier_due"])


def _require(dossier, state, verb):
    if dossier.clock_state != state:
        raise Conflict(f"Cannot {verb} a clock that is {dossier.clock_state or 'not started'}.")


def _set_due(ctx, dossier, due_at) -> None:
    dossier.due_at, dossier.overdue_at = due_at, None
    timers.cancel(ctx.session, dossier, ctx.now(), ["dossier_due"])
    timers.schedule(ctx.session, dossier, "dossier_due", due_at)
