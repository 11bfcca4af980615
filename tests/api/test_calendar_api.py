"""The working calendar over HTTP: the year's view and the administrator's overrides."""
from datetime import datetime

from sqlalchemy import func, select

from engine.deadlines import calendar
from engine.deadlines.worktime import VN, add_working_days
from engine.store.calendar import CalendarOverride
from engine.store.events import Event

URL = "/api/v1/calendar"
OVERRIDES = "/api/v1/calendar/overrides"
FRIDAY_16H = datetime(2026, 4, 24, 16, tzinfo=VN)


def _count(db, query):
    db.rollback()  # a fresh snapshot: the requests committed on other connections
    return db.scalar(query)


def test_the_2026_calendar(demo, login_as):
    response = login_as("officer").get(f"{URL}?year=2026", headers={"Accept-Language": "vi"})
    assert response.status_code == 200
    year = response.get_json()
    assert year["year"] == 2026
    assert year["office_hours"] == [{"start": "07:30", "end": "11:30"},
                                    {"start": "13:00", "end": "17:00"}]
    holidays = {entry["date"]: entry["name"] for entry in year["holidays"]}
    for day in ("2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
                "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"):
        assert holidays.get(day), day
        assert day not in year["working_days"]
    assert "Tết" in holidays["2026-02-17"] and "Hùng Vương" in holidays["2026-04-27"]
    assert [entry["date"] for entry in year["make_up_days"]] == ["2026-08-22"]
    assert "2026-08-22" in year["working_days"] and "2026-08-29" not in year["working_days"]
    assert year["overrides"] == []


def test_names_are_in_the_readers_language(demo, login_as, admin_ctx):
    officer = login_as("officer")
    english = officer.get(f"{URL}?year=2026").get_json()  # the API's default: English
    names = {entry["date"]: entry["name"] for entry in english["holidays"]}
    assert "Lunar New Year" in names["2026-02-17"] and "Hung" in names["2026-04-27"]
    assert [d["reason"] for d in english["make_up_days"]] == ["Make-up working day"]
    vietnamese = officer.get(f"{URL}?year=2026&lang=vi").get_json()
    assert [d["reason"] for d in vietnamese["make_up_days"]] == ["Ngày làm việc bù"]


def test_the_year_defaults_to_the_clock_and_is_checked(demo, client, login_as):
    officer = login_as("officer")
    assert officer.get(URL).get_json()["year"] == 2026
    response = officer.get(f"{URL}?year=1999")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [error["field"] for error in response.get_json()["errors"]] == ["year"]
    assert client.get(URL).status_code == 401


def test_a_make_up_saturday_and_its_removal(demo, login_as, db):
    admin = login_as("admin")
    response = admin.post(OVERRIDES, json={"date": "2026-05-02", "kind": "working_day",
                                           "reason": "Làm bù"})
    assert response.status_code == 201
    assert response.get_json() == {"date": "2026-05-02", "kind": "working_day",
                                   "reason": "Làm bù", "created_by": "admin",
                                   "created_at": "2026-04-24T09:00:00.000+07:00"}
    year = login_as("officer").get(f"{URL}?year=2026").get_json()
    assert "2026-05-02" in year["working_days"]
    assert {"date": "2026-05-02", "reason": "Làm bù"} in year["make_up_days"]
    assert year["overrides"] == [{"date": "2026-05-02", "kind": "working_day",
                                  "reason": "Làm bù", "created_by": "admin"}]
    db.rollback()
    due = add_working_days(FRIDAY_16H, 3, calendar.calendar_for(db))
    assert due == datetime(2026, 5, 2, 16, tzinfo=VN)
    body = {"date": "2026-05-02", "kind": "working_day", "reason": "làm bù"}  # as API.md
    assert admin.delete(OVERRIDES, json=body).status_code == 204
    db.rollback()
    due = add_working_days(FRIDAY_16H, 3, calendar.calendar_for(db))
    assert due == datetime(2026, 5, 4, 16, tzinfo=VN)
    assert _count(db, select(func.count()).where(Event.stream == "calendar")) == 2


def test_a_weekday_off_and_removal_by_path(demo, login_as, db):
    admin = login_as("admin")
    assert admin.post(OVERRIDES, json={"date": "2026-04-28", "kind": "day_off",
                                       "reason": "Nghỉ bão"}).status_code == 201
    year = admin.get(f"{URL}?year=2026").get_json()
    assert "2026-04-28" not in year["working_days"]
    assert {"date": "2026-04-28", "name": "Nghỉ bão"} in year["holidays"]
    assert admin.delete(f"{OVERRIDES}/2026-04-28").status_code == 204
    assert "2026-04-28" in admin.get(f"{URL}?year=2026").get_json()["working_days"]
    assert admin.delete(f"{OVERRIDES}/2026-04-28").status_code == 404
    assert admin.delete(OVERRIDES, json={"date": "2026-04-28"}).status_code == 404


def test_only_admins_change_the_calendar(demo, login_as, db):
    login_as("admin").post(OVERRIDES, json={"date": "2026-05-02", "kind": "working_day"})
    officer = login_as("officer")
    for response in (
            officer.post(OVERRIDES, json={"date": "2026-05-09", "kind": "working_day"}),
            officer.delete(OVERRIDES, json={"date": "2026-05-02"}),
            officer.delete(f"{OVERRIDES}/2026-05-02")):
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
    assert _count(db, select(func.count()).select_from(CalendarOverride)) == 1
    assert _count(db, select(func.count()).where(Event.stream == "calendar")) == 1


def test_invalid_overrides_name_the_field(demo, login_as, db):
    admin = login_as("admin")
    cases = [({"date": "2026-05-02", "kind": "holiday"}, {"kind"}),
             ({"date": "2 May", "kind": "day_off"}, {"date"}),
             ({"kind": "day_off"}, {"date"}),
             ({"date": "2026-02-30", "kind": "nope", "reason": "x" * 501},
              {"date", "kind", "reason"})]
    for body, fields in cases:
        response = admin.post(OVERRIDES, json=body)
        assert response.status_code == 422, body
        assert {error["field"] for error in response.get_json()["errors"]} == fields
    response = admin.delete(f"{OVERRIDES}/tomorrow")
    assert response.status_code == 422
    # api.errors reports path arguments as "path.date" until it learns the "path" location
    assert [error["field"].split(".")[-1] for error in response.get_json()["errors"]] == ["date"]
    assert _count(db, select(func.count()).select_from(CalendarOverride)) == 0
