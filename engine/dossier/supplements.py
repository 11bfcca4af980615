"""The supplement rule (DOMAIN.md, "The dossier's life" 2 and 5), whoever asks:
the desk or an officer over the API, or a diagram's life-cycle step.

At reception a dossier can be sent back for papers: it is not received and
its clock has not started until they come. During processing a supplement
may be asked once per dossier, with everything missing in one notice, within
the procedure's window after reception (past it: refused, or flagged late by
setting); the clock pauses (or will restart), the steps wait, and the
dossier's status is 5 until the papers are back. Called inside a service's
unit of work (flush only).
"""
from ..catalogue.procedures import SUPPLEMENT_STEP
from ..deadlines import statutory
from ..deadlines.steps import calendar as calendar_of
from ..deadlines.steps import hold as hold_steps
from ..deadlines.worktime import parse_amount, working_time_between
from ..kernel import events
from ..kernel.errors import Conflict, Invalid
from ..kernel.settings import policy_for
from . import status


def send_back(ctx, dossier, missing, note) -> None:
    """At reception: the papers are incomplete; nothing is received yet."""
    status.move(dossier, status.SUPPLEMENT)
    events.record(ctx, "dossier.supplement_requested", dossier=dossier,
                  detail={"missing": list(missing), "note": note, "at_reception": True})


def ask(ctx, dossier, missing, note, element_id=None) -> bool:
    """The one supplement during processing; returns whether it is late."""
    if not missing:
        raise Invalid("A supplement request lists everything missing, in one notice.",
                      [{"field": "supplement_missing", "message": "list what is missing"}])
    if dossier.supplement_requested_at is not None:
        raise Conflict(f"A supplement was already requested for dossier {dossier.code}: "
                       f"once per dossier, everything missing in one notice.")
    policy, cal = policy_for(ctx.settings, dossier.procedure), calendar_of(ctx)
    spent = working_time_between(dossier.received_at, ctx.now(), cal)
    late = spent > parse_amount(policy.supplement_window, cal)
    if late and policy.late_supplement == "refuse":
        raise Conflict(f"A supplement may be requested within {policy.supplement_window} of "
                       f"working time after reception.")
    status.move(dossier, status.SUPPLEMENT)
    dossier.supplement_requested_at = ctx.now()
    statutory.pause(ctx, dossier)
    hold_steps(ctx, dossier)
    events.record(ctx, "dossier.supplement_requested", dossier=dossier, element_id=element_id,
                  detail={"missing": list(missing), "note": note, "late": late})
    return late


def steps(version) -> set[str]:
    """Element ids of a version's supplement steps."""
    return {spec["element_id"] for spec in version.user_tasks
            if spec.get("lifecycle") == SUPPLEMENT_STEP}


def waiting_step(dossier):
    """The open life-cycle step that waits for the papers, if a diagram asked."""
    ids = steps(dossier.version)
    return next((task for task in dossier.open_tasks if task.element_id in ids), None)


def missing_from(data: dict) -> tuple[list, str]:
    """What a diagram's step asks for: `supplement_missing` (a list or a text of
    lines) and `supplement_note` from the dossier's data."""
    missing = data.get("supplement_missing") or []
    if isinstance(missing, str):
        missing = [line.strip() for line in missing.splitlines() if line.strip()]
    return [str(item) for item in missing], str(data.get("supplement_note") or "")
