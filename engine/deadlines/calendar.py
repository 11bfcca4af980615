"""The platform's current working calendar: VN holidays plus the overrides in the database.

`calendar_for(session, sessions)` gives the `WorkCalendar` that deadline code
passes to the pure maths of `engine.deadlines.worktime` (office sessions come from the
settings); it is cached per set of overrides, so a call costs one small SELECT
while nothing changes. `calendar_year` describes a
year for `GET /calendar`; administrators add and remove overrides, each change
recorded on the `calendar` event stream. Changing the calendar does not move
existing deadlines (they are stored instants); recomputing them is a separate,
explicit action.
"""
import threading
from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_data
from cachetools import LRUCache, cached
from sqlalchemy import select

from ..kernel import events
from ..kernel.errors import Invalid, NotFound
from ..kernel.uow import unit_of_work
from ..people.access import require_role
from ..store.calendar import CalendarOverride
from .worktime import DEFAULT_SESSIONS, VN, WorkCalendar, build_calendar

KINDS = ("day_off", "working_day")
CACHE_SIZE = 32
# the `holidays` package's languages for Vietnam (named explicitly: otherwise it guesses
# from the process locale)
HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}

_cache = LRUCache(maxsize=CACHE_SIZE)  # one calendar per (sessions, overrides)


def calendar_for(session, sessions=DEFAULT_SESSIONS) -> WorkCalendar:
    """The working calendar with every override applied."""
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.kind))
    pairs = frozenset((day, kind) for day, kind in rows)
    return _cached(tuple(sessions), pairs)


@cached(_cache, lock=threading.Lock())
def _cached(sessions: tuple, pairs: frozenset) -> WorkCalendar:
    return build_calendar(sorted(pairs), sessions)


def calendar_year(ctx, year: int | None = None, language: str = "vi") -> dict:
    """Working days, holidays, make-up days, office hours and overrides of one year.
    Holidays carry the package's name in `language`, or an override's reason;
    a day off or make-up day with neither has no name (the reader labels it)."""
    year = year or ctx.now().astimezone(VN).year
    rows = ctx.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)).all()
    cal = _cached(tuple(ctx.settings.office_hours),
                  frozenset((row.day, row.kind) for row in rows))
    reasons = {row.day: row.reason for row in rows}
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(_days_in(year))]
    return {
        "year": year,
        "office_hours": [{"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
                         for start, end in cal.sessions],
        "working_days": [day for day in days if cal.is_working_day(day)],
        "holidays": _holidays(days, cal, reasons, language),
        "make_up_days": [{"date": day, "reason": reasons.get(day) or None}
                         for day in days if day.weekday() >= 5 and cal.is_working_day(day)],
        "overrides": [{"date": row.day, "kind": row.kind, "reason": row.reason,
                       "created_by": row.created_by} for row in rows if row.day.year == year],
    }


def _holidays(days, cal: WorkCalendar, reasons: dict, language: str) -> list[dict]:
    """Days off that are public holidays or would otherwise be worked."""
    names, make_up = _package_year(days[0].year, language)
    listed = []
    for day in days:
        usually_worked = day.weekday() < 5 or day in make_up
        if not cal.is_working_day(day) and (day in names or usually_worked):
            listed.append({"date": day,
                           "name": reasons.get(day) or names.get(day) or None})
    return listed


@lru_cache(maxsize=8)
def _package_year(year: int, language: str = "vi") -> tuple[dict, frozenset]:
    """The `holidays` package's names of the year's holidays, and its make-up Saturdays."""
    data = holiday_data.country_holidays("VN", years=[year],
                                         language=HOLIDAY_LANGUAGES.get(language, "vi"))
    return dict(data), frozenset(day for day in data.weekend_workdays if day.year == year)


def _days_in(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def add_override(ctx, day: date, kind: str, reason: str = "") -> CalendarOverride:
    """Make `day` a day off or a working day; an existing override of that day is replaced."""
    require_role(ctx.actor, "admin")
    if kind not in KINDS:
        raise Invalid("Unknown kind of override.",
                      [{"field": "kind", "message": f"must be one of {', '.join(KINDS)}"}])
    with unit_of_work(ctx) as session:
        row = session.get(CalendarOverride, day)
        if row is None:
            row = CalendarOverride(day=day)
            session.add(row)
        row.kind, row.reason = kind, reason
        row.created_by, row.created_at = ctx.actor.username, ctx.now()
        session.flush()
        events.record(ctx, "calendar.override_added", stream="calendar",
                      detail={"date": day.isoformat(), "kind": kind, "reason": reason})
    return row


def remove_override(ctx, day: date) -> None:
    require_role(ctx.actor, "admin")
    with unit_of_work(ctx) as session:
        row = session.get(CalendarOverride, day)
        if row is None:
            raise NotFound(f"No calendar override on {day.isoformat()}.")
        detail = {"date": day.isoformat(), "kind": row.kind, "reason": row.reason}
        session.delete(row)
        session.flush()
        events.record(ctx, "calendar.override_removed", stream="calendar", detail=detail)
