"""The overdue and near-due list (`GET /monitor/overdue`): open steps and
running dossiers past their due time, or due within a threshold of working time.

Owns which rows are watched, their filters (unit subtree, procedure, level,
kind), their order (most late first) and the lateness figure. A step is
watched while open (claimed or not) and its dossier is at work (not waiting
for a supplement, not closed); a dossier while its statutory clock runs
(`status.clock_running`, the rule of `GET /dossiers?overdue=true`). Lateness is
working time on the working calendar: `working_hours_late` is positive past
the due time, negative before it (the hours left). It never falls as the due
time gets earlier, so ordering by due time is ordering by lateness: steps and
dossiers are sorted, counted and cut to the page in SQL (one statement), and
the working-time maths runs on the page only, by look-up
(`engine.deadlines.worktable`). The statements are a fixed handful whatever
the rows: the calendar's overrides, the units (visibility, the unit filter),
the page, the page's candidate groups.
"""
from datetime import timedelta

from sqlalchemy import String, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased

from ..deadlines.calendar import calendar_for
from ..deadlines.worktable import WorkTable
from ..deadlines.worktime import add_working_time, parse_amount
from ..dossier import status
from ..kernel.errors import Invalid
from ..people.access import descendants, require_role, visible_filter
from ..store.dossiers import Dossier, Task, TaskCandidate
from ..store.people import Unit, User
from ..store.procedures import Procedure

MAX_WITHIN_DAYS = 60  # a longer horizon is a report, not a watch list
KINDS = ("task", "dossier")
LEVELS = ("province", "commune")
ROLES = ("supervisor", "leader")
HOUR = timedelta(hours=1)

Handling, Receiving = aliased(Unit), aliased(Unit)
COMMON = (Dossier.code.label("dossier_code"), Procedure.code.label("procedure"),
          Procedure.level.label("level"), Handling.code.label("handling_unit"),
          Receiving.code.label("receiving_unit"))


def overdue(ctx, within=None, unit=None, procedure=None, level=None, kind=None,
            page=1, per_page=50) -> dict:
    """One page of the watched entries the caller may see, most late first."""
    require_role(ctx.actor, *ROLES)
    cal = calendar_for(ctx.session, ctx.settings.office_hours)
    now = ctx.now()
    amount = _within(within, cal) if within else parse_amount(ctx.settings.near_due, cal)
    horizon = add_working_time(now, amount, cal)
    where = _filters(ctx, unit, procedure, level)
    parts = []
    if kind in (None, "task"):
        parts.append(_task_rows(horizon, where))
    if kind in (None, "dossier"):
        parts.append(_dossier_rows(horizon, where))
    watched = union_all(*parts).subquery("watched") if len(parts) > 1 else parts[0].subquery()
    order = (watched.c.due_at, watched.c.kind, watched.c.dossier_code,
             func.coalesce(watched.c.element_id, ""), func.coalesce(watched.c.task_id, ""))
    rows = ctx.session.execute(select(watched, func.count().over().label("total"))
                               .order_by(*order).limit(per_page).offset((page - 1) * per_page))
    items = [row._asdict() for row in rows]
    total = items[0].pop("total") if items else ctx.session.scalar(  # past the last page
        select(func.count()).select_from(watched))
    for item in items[1:]:
        del item["total"]
    _candidates(ctx.session, items)
    table = WorkTable.spanning(cal, [now, *(item["due_at"] for item in items)])
    for item in items:
        item["overdue"] = item["due_at"] < now
        item["working_hours_late"] = round(table.between(item["due_at"], now) / HOUR, 2)
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def _within(text, cal) -> timedelta:
    """The caller's horizon (the setting's default is checked at start)."""
    try:
        amount = parse_amount(str(text), cal)
    except ValueError as error:
        raise Invalid(f"within: {error}", [{"field": "within", "message": str(error)}]) from None
    if amount > cal.day_length * MAX_WITHIN_DAYS:
        raise Invalid(f"within: at most {MAX_WITHIN_DAYS} working days.",
                      [{"field": "within", "message": f"at most {MAX_WITHIN_DAYS}d"}])
    return amount


def _filters(ctx, unit, procedure, level) -> dict:
    """WHERE clauses shared by both kinds, and the unit subtree for the steps."""
    common = []
    visible = visible_filter(ctx.session, ctx.actor)
    if visible is not None:
        common.append(visible)
    if procedure:
        common.append(Procedure.code == procedure)
    if level:
        common.append(Procedure.level == level)
    subtree = {unit} | descendants(ctx.session, {unit}) if unit else None
    return {"common": common, "subtree": subtree}


def _joined(query):
    return (query.join(Procedure, Procedure.id == Dossier.procedure_id)
            .join(Handling, Handling.id == Dossier.handling_unit_id)
            .join(Receiving, Receiving.id == Dossier.receiving_unit_id))


def _task_rows(horizon, where):
    query = _joined(select(
        literal("task", String).label("kind"), Task.id.label("task_id"),
        Task.element_id.label("element_id"), Task.name.label("name"),
        Task.due_at.label("due_at"), User.username.label("assignee"), *COMMON)
        .join(Dossier, Dossier.id == Task.dossier_id)
        .outerjoin(User, User.id == Task.assignee_id)).where(
        Task.status == "open", Task.due_at.is_not(None), Task.due_at <= horizon,
        Dossier.status.in_(status.WORKING), *where["common"])  # a waiting step is not late
    if where["subtree"] is not None:
        query = query.where(or_(
            Handling.code.in_(where["subtree"]),
            Task.candidates.any(TaskCandidate.party.in_(where["subtree"]))))
    return query


def _dossier_rows(horizon, where):
    none = null().cast(String)
    query = _joined(select(
        literal("dossier", String).label("kind"), none.label("task_id"),
        none.label("element_id"), none.label("name"), Dossier.due_at.label("due_at"),
        none.label("assignee"), *COMMON)).where(
        status.clock_running(), Dossier.due_at.is_not(None), Dossier.due_at <= horizon,
        *where["common"])
    if where["subtree"] is not None:
        query = query.where(Handling.code.in_(where["subtree"]))
    return query


def _candidates(session, items) -> None:
    """The candidate groups of the page's steps, in one statement."""
    ids = [item["task_id"] for item in items if item["kind"] == "task"]
    groups = {task_id: [] for task_id in ids}
    if ids:
        for task_id, party in session.execute(
                select(TaskCandidate.task_id, TaskCandidate.party)
                .where(TaskCandidate.task_id.in_(ids)).order_by(TaskCandidate.party)):
            groups[task_id].append(party)
    for item in items:
        item["candidate_groups"] = groups.get(item["task_id"], [])
