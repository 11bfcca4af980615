"""The database-backed working calendar: overrides, their events, the cache."""
from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from api.config import TestConfig
from engine.deadlines import calendar
from engine.deadlines.worktime import VN, add_working_days, build_calendar
from engine.kernel import audit
from engine.kernel.context import Actor, Ctx
from engine.kernel.errors import Forbidden, Invalid, NotFound
from engine.kernel.events import verify_stream
from engine.store.calendar import CalendarOverride
from engine.store.events import Event

SATURDAY = date(2026, 5, 2)
FRIDAY_16H = datetime(2026, 4, 24, 16, tzinfo=VN)


def at(y, m, d, hh=0):
    return datetime(y, m, d, hh, tzinfo=VN)


def test_without_overrides_the_holidays_data_decides(db):
    cal = calendar.calendar_for(db)
    assert add_working_days(FRIDAY_16H, 3, cal) == at(2026, 5, 4, 16)
    assert not cal.is_working_day(date(2020, 1, 1))  # both ends of the default span
    assert not cal.is_working_day(date(2035, 9, 2))
    assert cal.is_working_day(date(2026, 8, 22))  # the package's swapped Saturday


def test_a_make_up_saturday_moves_new_deadlines_and_removing_it_restores_them(admin_ctx, db):
    calendar.add_override(admin_ctx, SATURDAY, "working_day", "Làm bù cho 1/5")
    assert add_working_days(FRIDAY_16H, 3, calendar.calendar_for(db)) == at(2026, 5, 2, 16)
    year = calendar.calendar_year(admin_ctx, 2026)
    assert SATURDAY in year["working_days"]
    assert {"date": SATURDAY, "reason": "Làm bù cho 1/5"} in year["make_up_days"]
    calendar.remove_override(admin_ctx, SATURDAY)
    assert add_working_days(FRIDAY_16H, 3, calendar.calendar_for(db)) == at(2026, 5, 4, 16)


def test_a_day_off_on_a_weekday_is_listed_with_its_reason(admin_ctx, db):
    tuesday = date(2026, 4, 28)
    calendar.add_override(admin_ctx, tuesday, "day_off", "Nghỉ bão")
    assert not calendar.calendar_for(db).is_working_day(tuesday)
    year = calendar.calendar_year(admin_ctx, 2026)
    assert tuesday not in year["working_days"]
    assert {"date": tuesday, "name": "Nghỉ bão"} in year["holidays"]
    assert year["overrides"] == [{"date": tuesday, "kind": "day_off", "reason": "Nghỉ bão",
                                  "created_by": "system"}]


def test_an_override_replaces_the_earlier_one_for_its_date(admin_ctx, db):
    calendar.add_override(admin_ctx, SATURDAY, "working_day", "first")
    row = calendar.add_override(admin_ctx, SATURDAY, "day_off", "second")
    assert (row.kind, row.reason) == ("day_off", "second")
    assert db.scalar(select(func.count()).select_from(CalendarOverride)) == 1
    assert not calendar.calendar_for(db).is_working_day(SATURDAY)


def test_changes_are_recorded_on_the_calendar_stream(admin_ctx, db):
    calendar.add_override(admin_ctx, SATURDAY, "working_day", "bù")
    calendar.remove_override(admin_ctx, SATURDAY)
    rows = db.scalars(select(Event).where(Event.stream == "calendar").order_by(Event.seq)).all()
    assert [(row.type, row.actor, row.detail) for row in rows] == [
        ("calendar.override_added", "system",
         {"date": "2026-05-02", "kind": "working_day", "reason": "bù"}),
        ("calendar.override_removed", "system",
         {"date": "2026-05-02", "kind": "working_day", "reason": "bù"})]
    assert verify_stream(db, "calendar", audit.keyring(TestConfig.SETTINGS)) is None


def test_refusals_change_nothing(admin_ctx, db, clock):
    officer = Ctx(db, clock, Actor(username="officer", roles=frozenset({"officer"})))
    with pytest.raises(Forbidden):
        calendar.add_override(officer, SATURDAY, "working_day", "")
    with pytest.raises(Invalid) as invalid:
        calendar.add_override(admin_ctx, SATURDAY, "holiday", "")
    assert [error["field"] for error in invalid.value.errors] == ["kind"]
    with pytest.raises(NotFound):
        calendar.remove_override(admin_ctx, SATURDAY)
    calendar.add_override(admin_ctx, SATURDAY, "working_day", "")
    with pytest.raises(Forbidden):
        calendar.remove_override(officer, SATURDAY)
    assert db.scalar(select(func.count()).select_from(CalendarOverride)) == 1
    assert db.scalar(select(func.count()).where(Event.stream == "calendar")) == 1


def test_the_cache_keeps_a_calendar_until_the_overrides_change(admin_ctx, db):
    first = calendar.calendar_for(db)
    assert calendar.calendar_for(db) is first
    calendar.add_override(admin_ctx, SATURDAY, "working_day", "")
    changed = calendar.calendar_for(db)
    assert changed is not first and changed.is_working_day(SATURDAY)
    assert calendar.calendar_for(db) is changed


def test_the_cache_is_bounded(db):
    first = calendar.calendar_for(db, ((time(7, 0), time(17, 0)),))
    for minute in range(1, calendar.CACHE_SIZE + 1):  # as many other office hours
        calendar.calendar_for(db, ((time(7, minute), time(17, 0)),))
    assert len(calendar._cache) == calendar.CACHE_SIZE
    assert calendar.calendar_for(db, ((time(7, 0), time(17, 0)),)) is not first  # evicted


def test_holidays_of_any_year():
    """No fixed range of years: a deadline in 2040 still skips its holidays."""
    cal = build_calendar()
    assert not cal.is_working_day(date(2040, 4, 30))  # a Monday
    assert not cal.is_working_day(date(2040, 9, 4))  # 2 September 2040 is a Sunday: observed
    assert cal.is_working_day(date(2040, 9, 5))
    assert not cal.is_working_day(date(2019, 4, 30))


def test_calendar_year_2026(admin_ctx):
    year = calendar.calendar_year(admin_ctx, 2026)
    assert year["office_hours"] == [{"start": "07:30", "end": "11:30"},
                                    {"start": "13:00", "end": "17:00"}]
    holidays = {entry["date"]: entry["name"] for entry in year["holidays"]}
    expected = [date(2026, 2, day) for day in range(16, 21)] + [
        date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 1),
        date(2026, 9, 2)]
    assert all(holidays.get(day) for day in expected)
    assert not set(expected) & set(year["working_days"])
    make_up = [entry["date"] for entry in year["make_up_days"]]
    assert make_up == [date(2026, 8, 22)]
    assert date(2026, 8, 29) not in year["working_days"]
    assert date(2026, 1, 2) in year["working_days"] and year["overrides"] == []


def test_calendar_year_defaults_to_the_clock_year(admin_ctx):
    assert calendar.calendar_year(admin_ctx)["year"] == 2026
