"""The overdue and near-due list (`GET /monitor/overdue`): open steps and
running dossiers past their due time, or due within a threshold of working time.

Owns which rows are watched, their filters (unit subtree, procedure, level,
kind), their order (most late first) and the lateness figure. A step is
watched while open (claimed or not) and its dossier is at work (not waiting
for a supplement, not closed); a dossier while its statutory clock runs
(`status.clock_running`, the rule of `GET /dossiers?overdue=true`). Lateness is
working time on the working calendar: `working_hours_late` is positive past
the due time, negative before it (the hours left). It never falls as the due
time gets earlier, so ordering by due time is ordering by lateness: the rows
are sorted by due time and the working-time maths runs on the page only. The
statements are a fixed handful whatever the page holds: the calendar's
overrides, the units (visibility, the unit filter), one query for steps, one
for their candidate groups, one for dossiers.
"""
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from ..deadlines.calendar import calendar_for
from ..deadlines.worktime import add_working_time, parse_amount, working_time_between
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
    rows = []
    if kind in (None, "task"):
        rows += _task_rows(ctx.session, horizon, where)
    if kind in (None, "dossier"):
        rows += _dossier_rows(ctx.session, horizon, where)
    rows.sort(key=lambda row: (row["due_at"], row["kind"], row["dossier_code"],
                               row["element_id"] or "", row["task_id"] or ""))
    items = rows[(page - 1) * per_page:page * per_page]
    _candidates(ctx.session, items)
    for item in items:
        late = working_time_between(item["due_at"], now, cal)
        item["overdue"] = item["due_at"] < now
        item["working_hours_late"] = round(late / HOUR, 2)
    return {"items": items, "page": page, "per_page": per_page, "total": len(rows)}


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


def _task_rows(session, horizon, where) -> list[dict]:
    query = _joined(select(
        Task.id.label("task_id"), Task.element_id, Task.name, Task.due_at,
        User.username.label("assignee"), *COMMON)
        .join(Dossier, Dossier.id == Task.dossier_id)
        .outerjoin(User, User.id == Task.assignee_id)).where(
        Task.status == "open", Task.due_at.is_not(None), Task.due_at <= horizon,
        Dossier.status.in_(status.WORKING), *where["common"])  # a waiting step is not late
    if where["subtree"] is not None:
        query = query.where(or_(
            Handling.code.in_(where["subtree"]),
            Task.candidates.any(TaskCandidate.party.in_(where["subtree"]))))
    return [{"kind": "task", **row._asdict()} for row in session.execute(query)]


def _dossier_rows(session, horizon, where) -> list[dict]:
    query = _joined(select(Dossier.due_at, *COMMON)).where(
        status.clock_running(), Dossier.due_at.is_not(None), Dossier.due_at <= horizon,
        *where["common"])
    if where["subtree"] is not None:
        query = query.where(Handling.code.in_(where["subtree"]))
    return [{"kind": "dossier", "task_id": None, "element_id": None, "name": None,
             "assignee": None, **row._asdict()} for row in session.execute(query)]


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
