"""The printable slips' content (DOMAIN.md, "Documents").

`slip(ctx, code, kind)` gives the template to render and its values for one of
the dossier's slips: `receipt` (receipt and appointment), `supplement`
(supplement request), `refusal`, `apology` (apology and new appointment) and
`handover` (step hand-over log). Every slip is read from the dossier and its
event log, so a reprint says what was issued. A slip that does not apply to
the dossier, like an unknown kind, is not found; so is a dossier the caller
may not see. The values are data, not text: instants (aware datetimes), the fee
as an amount, codes for the channel and a step's outcome (`STEP_OUTCOMES`); the
templates write them in the reader's language (`api.presentation`).
"""
from sqlalchemy import select

from ..kernel.clock import parse_instant
from ..kernel.errors import NotFound
from ..people.access import load_visible_dossier
from ..people.directory import agency_code_of
from ..store.events import Event
from ..store.people import Unit, User

STEP_OUTCOMES = ("open", "on_time", "late", "cancelled")


def slip(ctx, code: str, kind: str) -> tuple[str, dict]:
    build = BUILDERS.get(kind)
    if build is None:
        raise NotFound(f"No slip of kind {kind!r}; kinds: {', '.join(BUILDERS)}.")
    session = ctx.session
    dossier = load_visible_dossier(session, ctx.actor, code)
    log = list(session.scalars(
        select(Event).where(Event.stream == dossier.code).order_by(Event.seq)))
    values = build(session, dossier, log)
    if values is None:
        raise NotFound(f"No {kind} slip for this dossier.")
    names = _full_names(session, {e.actor for e in log})
    return f"slips/{kind}.html", {**_common(ctx, dossier), **_named(values, names)}


def _common(ctx, dossier) -> dict:
    agency = _agency(dossier.receiving_unit)
    now = ctx.now()
    applicant = dossier.applicant or {}
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
        "applicant": {key: applicant.get(key) for key in
                      ("name", "id_number", "phone", "email", "address")},
        "receiving_unit": {"code": dossier.receiving_unit.code,
                           "name": dossier.receiving_unit.name},
        "handling_unit": {"code": dossier.handling_unit.code,
                          "name": dossier.handling_unit.name},
        "agency": agency.name,
        "superior": agency.parent.name if agency.parent is not None else None,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "dated": now,
        "printed_at": now,
    }


def _agency(unit: Unit) -> Unit:
    """The unit that carries the receiving unit's agency code."""
    code = agency_code_of(unit)
    while unit.parent is not None and unit.agency_code != code:
        unit = unit.parent
    return unit


def _latest(log, type_) -> Event | None:
    return next((event for event in reversed(log) if event.type == type_), None)


def _issued(event) -> dict:
    """When and by whom a slip's event happened (the officer's name filled in later)."""
    return {"at": event.at, "dated": event.at, "officer": event.actor}


def _receipt(session, dossier, log):
    event = _latest(log, "dossier.received")
    if event is None:
        return None
    details = dossier.procedure.details or {}
    return {**_issued(event),
            "channel": event.detail.get("channel"),
            "documents": list(details.get("documents") or []),
            "fee": int(details.get("fee") or 0),  # VND; 0: no fee or charge
            "appointment": parse_instant(event.detail.get("due_at")) or dossier.due_at}


def _supplement(session, dossier, log):
    event = _latest(log, "dossier.supplement_requested")
    if event is None:
        return None
    return {**_issued(event), "missing": list(event.detail.get("missing") or []),
            "note": event.detail.get("note"), "late": bool(event.detail.get("late"))}


def _refusal(session, dossier, log):
    event = _latest(log, "dossier.refused")
    if event is None:
        return None
    return {**_issued(event), "reason": event.detail.get("reason")}


def _apology(session, dossier, log):
    event = _latest(log, "clock.extended")
    if event is None:
        return None
    return {**_issued(event), "reason": event.detail.get("reason"),
            "old_due": parse_instant(_due_before(log, event)),
            "new_due": parse_instant(event.detail.get("new_due_at"))}


def _due_before(log, extension):
    """The dossier's due time in force when it was extended: the last one a
    dossier or clock event before the extension carried."""
    due = None
    for event in log:
        if event is extension:
            break
        if event.type.startswith(("dossier.", "clock.")):
            due = event.detail.get("due_at") or event.detail.get("new_due_at") or due
    return due


def _handover(session, dossier, log):
    names = {task.id: task.name for task in dossier.tasks}
    rows = {}
    for event in log:
        if event.type == "task.opened":
            rows[event.task_id] = _step(event, names)
        elif event.task_id in rows:
            _progress(rows[event.task_id], event)
    if not rows:
        return None
    units = _unit_names(session, {g for row in rows.values() for g in row["groups"]})
    for row in rows.values():
        row["groups"] = [units.get(group, group) for group in row["groups"]]
    return {"steps": list(rows.values())}


def _step(event, names) -> dict:
    return {"name": names.get(event.task_id, event.element_id), "element_id": event.element_id,
            "groups": list(event.detail.get("candidate_groups") or []),
            "opened_at": event.at, "due_at": parse_instant(event.detail.get("due_at")),
            "completed_at": None, "officer": None, "outcome": "open"}


def _progress(row, event) -> None:
    if event.type == "task.completed":
        late = row["due_at"] is not None and event.at > row["due_at"]
        row.update(completed_at=event.at, officer=event.actor,
                   outcome="late" if late else "on_time")
    elif event.type == "task.cancelled":
        row.update(completed_at=event.at, outcome="cancelled")


def _unit_names(session, codes) -> dict:
    if not codes:
        return {}
    return dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all())


def _full_names(session, usernames) -> dict:
    if not usernames:
        return {}
    return dict(session.execute(
        select(User.username, User.full_name).where(User.username.in_(usernames))).all())


def _named(values: dict, names: dict) -> dict:
    """Officers as {username, name}: the full name when the user is known."""
    def person(username):
        return None if username is None else {
            "username": username, "name": names.get(username) or username}
    values = {**values, "officer": person(values.get("officer"))}
    for row in values.get("steps", []):
        row["officer"] = person(row["officer"])
    return values


BUILDERS = {"receipt": _receipt, "supplement": _supplement, "refusal": _refusal,
            "apology": _apology, "handover": _handover}
