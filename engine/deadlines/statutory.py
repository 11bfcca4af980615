"""The dossier's statutory clock: start at reception, pause and resume,
restart, one extension, stop. Each keeps `due_at` and the `dossier_due`
timer row in step; called inside a service's unit of work (flush only)."""
from datetime import timedelta

from ..kernel import events, report_facts
from ..kernel.errors import Conflict, Invalid
from ..kernel.settings import policy_for
from . import timers
from .ladder import clock_start, statutory_due
from .steps import calendar
from .worktime import add_working_time, is_working_instant, parse_amount, working_time_between


def start(ctx, dossier) -> None:
    """Start (or restart from zero) the full statutory time from now: working
    time from the next working session, calendar days from tomorrow."""
    cal = calendar(ctx)
    procedure = dossier.procedure
    dossier.clock_state, dossier.clock_paused_at = "running", None
    dossier.clock_started_at = clock_start(ctx.now(), cal)
    _set_due(ctx, dossier, statutory_due(ctx.now(), procedure.statutory_value,
                                         procedure.statutory_unit, cal))


def pause(ctx, dossier) -> None:
    _require(dossier, "running", "pause")
    remaining = max(working_time_between(ctx.now(), dossier.due_at, calendar(ctx)), timedelta())
    dossier.clock_state, dossier.clock_paused_at = "paused", ctx.now()
    dossier.clock_remaining_seconds = int(remaining.total_seconds())
    timers.cancel(ctx.session, dossier, ctx.now(), ["dossier_due"])
    events.record(ctx, "clock.paused", dossier=dossier,
                  detail={"remaining_seconds": dossier.clock_remaining_seconds})


def resume(ctx, dossier) -> None:
    """Carry on with the working time that was left at the pause."""
    _require(dossier, "paused", "resume")
    remaining = timedelta(seconds=dossier.clock_remaining_seconds or 0)
    dossier.clock_state, dossier.clock_paused_at = "running", None
    dossier.clock_remaining_seconds = None
    _set_due(ctx, dossier, add_working_time(ctx.now(), remaining, calendar(ctx)))
    events.record(ctx, "clock.resumed", dossier=dossier)


def resumed_appointment(ctx, dossier, paused_at):
    """After a pause, the receipt's appointment moved by the pause: the working
    time it had left at the pause, from now. An extension moves the clock's due
    time, never the appointment the reports measure against."""
    cal = calendar(ctx)
    receipt = report_facts.appointment(ctx.session, dossier.id) or dossier.due_at
    return add_working_time(ctx.now(), max(working_time_between(paused_at, receipt, cal),
                                           timedelta()), cal)


def extend(ctx, dossier, new_due_at, reason: str) -> None:
    """The one extension (DOMAIN.md, "The dossier's life" 6): asked at least the
    notice (one working day) before the due time; the new appointment a working
    instant after the due time and at most the limit (the statutory time) later."""
    _require(dossier, "running", "extend")
    cal, policy = calendar(ctx), policy_for(ctx.settings, dossier.procedure)
    if dossier.extended_to is not None:
        raise Conflict("This dossier has already been extended once.")
    if ctx.now() >= dossier.due_at:
        raise Conflict("The due time has passed: an extension must be asked before it.")
    if working_time_between(ctx.now(), dossier.due_at, cal) < parse_amount(
            policy.extension_notice, cal):
        raise Conflict(f"An extension must be asked at least {_words(policy.extension_notice)} "
                       f"before the due time.")
    _check_new_due(dossier, new_due_at, cal, policy)
    dossier.extended_to = new_due_at
    _set_due(ctx, dossier, new_due_at)
    events.record(ctx, "clock.extended", dossier=dossier,
                  detail={"new_due_at": new_due_at.isoformat(), "reason": reason})


def _check_new_due(dossier, new_due_at, cal, policy) -> None:
    def refuse(message):
        raise Invalid(message, [{"field": "new_due_at", "message": message}])

    if new_due_at <= dossier.due_at:
        refuse("The new appointment must be later than the current due time.")
    if not is_working_instant(new_due_at, cal):
        refuse("The new appointment must fall within office hours on a working day.")
    procedure = dossier.procedure
    if policy.extension_limit:
        latest = add_working_time(dossier.due_at, parse_amount(policy.extension_limit, cal), cal)
    else:
        latest = statutory_due(dossier.due_at, procedure.statutory_value,
                               procedure.statutory_unit, cal)
    if new_due_at > latest:
        refuse(f"The new appointment may be at most {latest.isoformat()} (the current due "
               f"time plus the procedure's statutory time).")


def _words(amount: str) -> str:
    """`1d` as "1 working day", `4h` as "4 working hours"."""
    number, unit = amount[:-1], "working day" if amount.endswith("d") else "working hour"
    return f"{number} {unit}{'' if number == '1' else 's'}"


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
