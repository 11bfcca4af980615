"""The scores (`GET /monitor/scores`): how each unit and each officer kept to the
steps' allotments over a period, and how each unit's dossiers kept to their
appointments, graded with the administrator's thresholds (`score_grades`).

Owns which steps count and for whom, and the grades. A step is done when it was
completed in the period; on time when completed at or before its due time (from
its allotment, moved by a supplement's wait; a step without an allotment is on
time). It counts for each unit among its candidate groups (roles are no unit) and
for the officer who completed it. A unit's dossiers figures are the reconciled
report's (`stats.report`, by handling unit): on time = early + on time, over the
resolved. A rate is on time over done (null when nothing was done); its grade is
`good` at or above the good threshold, `fair` at or above the fair one, else
`weak`. Scope: the caller's units and those below them (an admin: every unit),
narrowed to `unit` and those below it when given; officers are the users of
those units, and only steps of dossiers the caller may see count. Units and
officers are listed when they did something in the period (a step done or a
dossier resolved). The statements are a fixed handful whatever the data.
"""
from datetime import date

from sqlalchemy import case, func, or_, select

from ..kernel.errors import Invalid
from ..people.access import descendants, require_role, visible_filter
from ..store.dossiers import Dossier, Task, TaskCandidate
from ..store.people import Unit, User, user_units
from . import stats
from .period import period

ROLES = ("supervisor",)
GRADES = ("good", "fair", "weak")
ON_TIME = or_(Task.due_at.is_(None), Task.ended_at <= Task.due_at)


def scores(ctx, date_from: date | None = None, date_to: date | None = None,
           unit: str | None = None) -> dict:
    """Steps on time per unit and officer, dossiers on time per unit, graded."""
    require_role(ctx.actor, *ROLES)
    span = period(ctx, date_from, date_to)
    scope = _scope(ctx, unit)
    done = [Task.status == "completed", Task.ended_at >= span.start, Task.ended_at < span.end]
    visible = visible_filter(ctx.session, ctx.actor)
    if visible is not None:
        done.append(visible)
    thresholds = ctx.settings.score_grades
    units = _units(ctx, span, scope, done, thresholds)
    officers = _officers(ctx.session, scope, done, thresholds)
    return {"from": span.date_from, "to": span.date_to,
            "thresholds": {"good": thresholds.good, "fair": thresholds.fair},
            "units": units, "officers": officers}


def grade(rate: float | None, thresholds) -> str | None:
    """`good`, `fair` or `weak` for an on-time rate; None for no rate."""
    if rate is None:
        return None
    if rate >= thresholds.good:
        return "good"
    return "fair" if rate >= thresholds.fair else "weak"


def figures(done: int, on_time: int, thresholds, done_key: str = "done") -> dict:
    rate = on_time / done if done else None
    return {done_key: done, "on_time": on_time, "rate": rate, "grade": grade(rate, thresholds)}


def _scope(ctx, unit) -> set[str] | None:
    """The unit codes the caller scores (None: every unit)."""
    session, actor = ctx.session, ctx.actor
    mine = None if "admin" in actor.roles else \
        set(actor.unit_codes) | descendants(session, actor.unit_codes)
    if unit is None:
        return mine
    if session.scalar(select(Unit.id).where(Unit.code == unit)) is None:
        raise Invalid(f"unit: no unit {unit}.", [{"field": "unit", "message": "no such unit"}])
    below = {unit} | descendants(session, {unit})
    return below if mine is None else below & mine


def _units(ctx, span, scope, done, thresholds) -> list[dict]:
    steps = _unit_steps(ctx.session, scope, done)
    dossiers = _unit_dossiers(ctx, span, scope)
    codes = sorted(set(steps) | {code for code, (resolved, _) in dossiers.items() if resolved})
    names = dict(ctx.session.execute(
        select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all()) if codes else {}
    return [{"unit": code, "name": names.get(code, code),
             "steps": figures(*steps.get(code, (0, 0)), thresholds),
             "dossiers": figures(*dossiers.get(code, (0, 0)), thresholds, "resolved")}
            for code in codes]


def _unit_steps(session, scope, done) -> dict[str, tuple[int, int]]:
    """Steps done and on time per candidate unit, in one grouped statement."""
    query = (select(TaskCandidate.party, func.count(), func.count(case((ON_TIME, 1))))
             .join(Task, Task.id == TaskCandidate.task_id)
             .join(Dossier, Dossier.id == Task.dossier_id)
             .join(Unit, Unit.code == TaskCandidate.party)  # a unit, not a role
             .where(*done).group_by(TaskCandidate.party))
    if scope is not None:
        query = query.where(TaskCandidate.party.in_(scope))
    return {party: (count, on_time) for party, count, on_time in session.execute(query)}


def _unit_dossiers(ctx, span, scope) -> dict[str, tuple[int, int]]:
    """Dossiers resolved and resolved on time (early or on time) per handling unit,
    from the reconciled report."""
    report = stats.report(ctx, span.date_from, span.date_to, group_by="unit")
    found = {}
    for row in report["rows"]:
        if scope is None or row["key"] in scope:
            resolved = row["resolved"]
            found[row["key"]] = (resolved["total"], resolved["early"] + resolved["on_time"])
    return found


def _officers(session, scope, done, thresholds) -> list[dict]:
    steps = {username: (count, on_time) for username, count, on_time in session.execute(
        select(Task.completed_by, func.count(), func.count(case((ON_TIME, 1))))
        .join(Dossier, Dossier.id == Task.dossier_id)
        .where(*done, Task.completed_by.is_not(None)).group_by(Task.completed_by))}
    if not steps:
        return []
    people: dict[str, dict] = {}
    for username, full_name, code in session.execute(
            select(User.username, User.full_name, Unit.code)
            .outerjoin(user_units, user_units.c.user_id == User.id)
            .outerjoin(Unit, Unit.id == user_units.c.unit_id)
            .where(User.username.in_(list(steps))).order_by(User.username, Unit.code)):
        person = people.setdefault(username, {"username": username, "full_name": full_name,
                                              "units": []})
        if code is not None and (scope is None or code in scope):
            person["units"].append(code)
    return [{**person, "steps": figures(*steps[username], thresholds)}
            for username, person in sorted(people.items())
            if scope is None or person["units"]]
