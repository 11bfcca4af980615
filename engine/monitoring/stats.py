"""The reconciled report (`GET /monitor/stats`, DOMAIN.md "Reports a supervisor
expects"), computed from the append-only event log through each dossier's
report facts (`engine.store.facts`, folded from its events as they are
recorded, every instant set once): a past period gives the same answer
whatever happened since.

One statement over one row per dossier: the dossiers entered before the
period's end and not closed before its start, each counted once as carried
over or received (by channel), and once as resolved (early, on time or late
against the appointment on its receipt: the second one when the clock
restarted after a supplement; an extension does not move it but marks the
dossier apologised), in progress at the end (within time or overdue),
waiting for papers at the end, stopped, withdrawn or refused: the totals
reconcile by construction, and the tests check them against an independent
count of the raw events. Scoped to the dossiers handled or received in the
supervisor's units and the units below them.
"""
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..kernel.clock import VN
from ..kernel.errors import Invalid
from ..people.access import descendants, require_role
from ..store.events import Event
from ..store.facts import DossierFacts
from ..store.instants import local_day
from ..store.people import Unit
from ..store.procedures import Procedure
from .period import period

GROUPS = ("procedure", "unit", "desk", "channel", "level", "field")
CHANNELS = ("online", "direct", "post")
FIGURES = ("carried_over", "online", "direct", "post", "early", "on_time", "late", "apologised",
           "within_time", "overdue", "supplement", "stopped", "withdrawn", "refused", "digitised")


def report(ctx, date_from=None, date_to=None, group_by="procedure") -> dict:
    """The period's figures by `group_by`, and their total."""
    require_role(ctx.actor, "supervisor")
    if group_by not in GROUPS:
        raise Invalid(f"group_by: one of {', '.join(GROUPS)}.",
                      [{"field": "group_by", "message": f"one of {', '.join(GROUPS)}"}])
    span = period(ctx, date_from, date_to)
    query = _counts(ctx, span, min(span.end, ctx.now()), group_by)
    counts = sorted(((row.key, {name: int(row._mapping[name] or 0) for name in FIGURES})
                     for row in ctx.session.execute(query)), key=lambda pair: pair[0] or "")
    names = _names(ctx.session, group_by, [key for key, _ in counts])
    total = {name: sum(flat[name] for _, flat in counts) for name in FIGURES}
    return {"from": span.date_from, "to": span.date_to, "group_by": group_by,
            "rows": [{"key": key, "name": names.get(key), **_figures(flat)}
                     for key, flat in counts],
            "total": _figures(total)}


def _counts(ctx, span, cut, group_by):
    """The counts by key: what happened in [start, end), and where the dossiers
    stood at `cut` (the period's end, or now for a period not over yet)."""
    start, end = span.start, span.end
    f = DossierFacts
    closed = and_(f.closed_at.is_not(None), f.closed_at < end)
    waiting = and_(~closed, or_(  # (no NULL reaches the NOT of `running`)
        and_(f.sent_back_at.is_not(None), f.sent_back_at < cut,
             or_(f.received_at.is_(None), f.received_at >= cut)),
        and_(f.asked_at.is_not(None), f.asked_at < cut,
             or_(f.answered_at.is_(None), f.answered_at >= cut))))
    running = and_(~closed, ~waiting)
    appointment = case((and_(f.answered_at < cut, f.second_appointment_at.is_not(None)),
                        f.second_appointment_at),
                       (f.received_at < cut, f.appointment_at))
    resolved = and_(closed, f.closed_as == "resolved")
    due = case((and_(f.answered_at < f.closed_at, f.second_appointment_at.is_not(None)),
                f.second_appointment_at), else_=f.appointment_at)
    zone, hours = literal(VN.key), literal(_offset_hours(start))
    early = local_day(f.closed_at, zone, hours) < local_day(due, zone, hours)
    conditions = {
        "carried_over": f.entered_at < start,
        **{channel: and_(f.entered_at >= start, f.channel == channel) for channel in CHANNELS},
        "early": and_(resolved, early),
        "on_time": and_(resolved, ~early, f.closed_at <= due),
        "late": and_(resolved, f.closed_at > due),
        "apologised": and_(resolved, f.apologised_at < end),
        "within_time": and_(running, or_(appointment.is_(None), appointment > cut)),
        "overdue": and_(running, appointment <= cut),
        "supplement": waiting,
        **{name: and_(closed, f.closed_as == name)
           for name in ("stopped", "withdrawn", "refused")},
        "digitised": and_(resolved, f.digitised.is_(True)),
    }
    handling, joins = _handling_at(end)
    key = {"procedure": Procedure.code, "level": f.level, "field": f.field,
           "desk": Desk.code, "channel": f.channel, "unit": handling}[group_by]
    query = select(key.label("key"), *(func.sum(case((when, 1), else_=0)).label(name)
                                       for name, when in conditions.items())).select_from(f)
    for target, on, outer in joins:
        query = query.join(target, on, isouter=outer)
    if group_by == "procedure":
        query = query.join(Procedure, Procedure.id == f.procedure_id)
    return query.where(f.entered_at < end, or_(f.closed_at.is_(None), f.closed_at >= start),
                       *_scope(ctx, handling)).group_by(key)


def _offset_hours(instant) -> int:
    return int(VN.utcoffset(instant.replace(tzinfo=None)).total_seconds() // 3600)


def _scope(ctx, handling) -> list:
    """A supervisor's dossiers: handled (at the period's end) or received by a
    unit in their units' subtrees (an administrator's: all)."""
    if "admin" in ctx.actor.roles:
        return []
    codes = set(ctx.actor.unit_codes) | descendants(ctx.session, ctx.actor.unit_codes)
    return [or_(handling.in_(codes), Desk.code.in_(codes))]


Desk, Handling = aliased(Unit), aliased(Unit)


def _handling_at(end):
    """The handling unit at the period's end (where the last move before it
    went, else where the first move after it came from, else the unit it
    entered with), and the joins it needs, with the desk's: (target, on, outer)."""
    moved_to, moved_from = _move(end, before=True), _move(end, before=False)
    return (func.coalesce(moved_to.c.unit, moved_from.c.unit, Handling.code),
            [(Handling, Handling.id == DossierFacts.handling_unit_id, False),
             (Desk, Desk.id == DossierFacts.receiving_unit_id, False),
             (moved_to, moved_to.c.dossier_id == DossierFacts.dossier_id, True),
             (moved_from, moved_from.c.dossier_id == DossierFacts.dossier_id, True)])


def _move(end, before):
    """Per moved dossier, the last move before `end` (its `to`), or the first
    after it (its `from`)."""
    name = "moved_to" if before else "moved_from"
    order = (Event.at.desc(), Event.id.desc()) if before else (Event.at, Event.id)
    side = Event.detail["to" if before else "from"].as_string()
    ranked = (select(Event.dossier_id, side.label("unit"),
                     func.row_number().over(partition_by=Event.dossier_id, order_by=order)
                     .label("rank"))
              .where(Event.type == "dossier.moved", Event.at < end if before else Event.at >= end)
              .subquery(name + "_ranked"))
    return select(ranked.c.dossier_id, ranked.c.unit).where(ranked.c.rank == 1).subquery(name)


def _names(session, group_by, keys) -> dict:
    """The rows' names: a procedure's or a unit's (other keys name themselves)."""
    model = {"procedure": Procedure, "unit": Unit, "desk": Unit}.get(group_by)
    if model is None or not keys:
        return {}
    return dict(session.execute(select(model.code, model.name).where(model.code.in_(keys))).all())


def _figures(raw) -> dict:
    """The API's nested figures from the flat counts."""
    received = {channel: raw[channel] for channel in CHANNELS}
    resolved = {name: raw[name] for name in ("early", "on_time", "late")}
    in_progress = {name: raw[name] for name in ("within_time", "overdue")}
    done = sum(resolved.values())
    return {
        "received": {"carried_over": raw["carried_over"], **received,
                     "total": sum(received.values())},
        "resolved": {**resolved, "total": done, "apologised": raw["apologised"]},
        "in_progress": {**in_progress, "total": sum(in_progress.values())},
        **{name: raw[name] for name in ("supplement", "stopped", "withdrawn", "refused")},
        "rates": {"on_time": _rate(raw["early"] + raw["on_time"], done),
                  "online": _rate(raw["online"], sum(received.values())),
                  "digitised": _rate(raw["digitised"], done)},
    }


def _rate(part, whole):
    return round(part / whole, 4) if whole else None
