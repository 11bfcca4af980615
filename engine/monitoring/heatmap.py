"""The heatmap of one procedure version (`GET /monitor/heatmap/{procedure}/{number}`):
for each user task of its diagram, where the dossiers wait.

Owns the figures per BPMN element, over the dossiers of that version the caller
may see: `open` (open step rows, claimed or not), `overdue` (those past their due
time now, their dossier at work: a step waiting with its dossier for a supplement
is not late, as in the overdue list), `completed` (steps completed within the
period) and their waits, in working time on the working calendar from opened to
completed: the mean and the 90th percentile (linear between the nearest ranks).
Every element of the diagram has its entry, in diagram order, zeros included.

Cost: a fixed handful of statements whatever the data (the version, the calendar's
overrides, the units for visibility, one grouped count of open steps, one read of
the period's completed steps). Working time comes from a table of working time
laid out once (`engine.deadlines.worktable`): one pass over the days the steps
span, then two look-ups a step, instead of walking every session between them.
"""
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from ..catalogue.procedures import get_version
from ..deadlines.calendar import calendar_for
from ..deadlines.worktable import WorkTable
from ..dossier import status
from ..people.access import require_role, visible_filter
from ..store.dossiers import Dossier, Task
from .period import period

ROLES = ("supervisor",)
HOUR = timedelta(hours=1)
PERCENTILE = 0.9


def heatmap(ctx, procedure: str, number: int, date_from: date | None = None,
            date_to: date | None = None) -> dict:
    """Per user task of the version: open, overdue and completed steps, and waits."""
    require_role(ctx.actor, *ROLES)
    version = get_version(ctx.session, procedure, number)
    span = period(ctx, date_from, date_to)
    scope = [Dossier.version_id == version.id]
    visible = visible_filter(ctx.session, ctx.actor)
    if visible is not None:
        scope.append(visible)
    counts = _open_counts(ctx.session, scope, ctx.now())
    cal = calendar_for(ctx.session, ctx.settings.office_hours)
    waits = _waits(ctx.session, scope, span, cal)
    elements = []
    for spec in {spec["element_id"]: spec for spec in version.user_tasks}.values():
        opened, overdue = counts.get(spec["element_id"], (0, 0))
        hours = waits.get(spec["element_id"], [])
        elements.append({
            "element_id": spec["element_id"], "name": spec.get("name") or spec["element_id"],
            "lane": spec.get("lane"), "open": opened, "overdue": overdue,
            "completed": len(hours), "mean_wait_working_hours": _mean(hours),
            "p90_wait_working_hours": _percentile(hours, PERCENTILE)})
    return {"procedure": procedure, "number": number, "from": span.date_from,
            "to": span.date_to, "elements": elements}


def _open_counts(session, scope, now) -> dict[str, tuple[int, int]]:
    """Open steps and overdue ones, per element, in one grouped statement."""
    late = case((and_(Task.due_at < now, Dossier.status.in_(status.WORKING)), 1))
    query = (select(Task.element_id, func.count(), func.count(late))
             .join(Dossier, Dossier.id == Task.dossier_id)
             .where(Task.status == "open", *scope).group_by(Task.element_id))
    return {element: (opened, overdue) for element, opened, overdue in session.execute(query)}


def _waits(session, scope, span, cal) -> dict[str, list[float]]:
    """Working hours from opened to completed of the steps completed in the period."""
    rows = session.execute(
        select(Task.element_id, Task.created_at, Task.ended_at)
        .join(Dossier, Dossier.id == Task.dossier_id)
        .where(Task.status == "completed", Task.ended_at >= span.start,
               Task.ended_at < span.end, *scope)).all()
    if not rows:
        return {}
    instants = [instant for row in rows for instant in (row.created_at, row.ended_at)]
    table = WorkTable.spanning(cal, instants)
    waits: dict[str, list[float]] = {}
    for element, opened, ended in rows:
        waits.setdefault(element, []).append(table.between(opened, ended) / HOUR)
    return waits


def _mean(values) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _percentile(values, share) -> float | None:
    """The `share` percentile, linear between the two nearest ranks (as
    numpy's default and PostgreSQL's `percentile_cont`)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 2)
