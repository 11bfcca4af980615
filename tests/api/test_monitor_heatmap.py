"""`GET /monitor/heatmap/{procedure}/{number}`: per user task of a version, open
and overdue steps now, steps completed in the period and their waits in working time.

The world (household dossiers, version 1, office hours 07:30-11:30, 13:00-17:00):
on Fri 8 May 2026 at 09:00 Kim Long's desk receives K and the provincial desk
S (then sent for a supplement); at 16:00 the provincial desk receives A and B,
at 16:30 C. On Mon 11 May at 08:30 the desk checks A and C (2 and 1.5 working
hours after they opened); at 13:00 it receives D, checked at midnight that
night (4 working hours). Now is Tue 12 May 09:00. B, K and S wait at the check
(S for papers), A and C at the fee and the review, D too (opened at midnight).
"""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select

from engine.catalogue.loading import load_people
from engine.store import db as _db
from engine.store.dossiers import Dossier, Task
from engine.store.procedures import ProcedureVersion

from ..conftest import VN
from .helpers import HOUSEHOLD, claim_and_complete, open_dossier, open_task

URL = "/api/v1/monitor/heatmap/1.001612/1"
NOW = datetime(2026, 5, 12, 9, 0, tzinfo=VN)
CHECK = {"business_name": "Hộ", "capital": 1, "needs_inspection": False}
ELEMENTS = ["Task_Check", "Task_Inspect", "Task_Fee", "Task_Review", "Task_Approve"]
COMMUNE_SUPERVISORS = [  # supervisors of one commune each, not in the demo
    {"username": "sup_phuhoi", "password": "sup-phuhoi-pw", "roles": ["supervisor"],
     "units": ["UBND.PHUHOI"]},
    {"username": "sup_kimlong", "password": "sup-kimlong-pw", "roles": ["supervisor"],
     "units": ["UBND.KIMLONG"]}]


def at(day, hour, minute=0):
    return datetime(2026, 5, day, hour, minute, tzinfo=VN)


@pytest.fixture
def world(household, admin_ctx, login_as, clock):
    load_people(admin_ctx, {"users": COMMUNE_SUPERVISORS})
    admin_ctx.session.close()
    reception, codes = login_as("reception"), {}
    clock.set(at(8, 9))
    codes["K"] = open_dossier(login_as("kimlong_desk"), household,
                              handling_unit="UBND.KIMLONG")["code"]
    codes["S"] = open_dossier(reception, household)["code"]
    response = reception.post(f"/api/v1/dossiers/{codes['S']}/supplement-request",
                              json={"missing": ["Bản sao CCCD"]})
    assert response.status_code == 200, response.get_json()
    clock.set(at(8, 16))
    codes["A"] = open_dossier(reception, household)["code"]
    codes["B"] = open_dossier(reception, household)["code"]
    clock.set(at(8, 16, 30))
    codes["C"] = open_dossier(reception, household)["code"]
    clock.set(at(11, 8, 30))
    for name in "AC":
        claim_and_complete(reception, open_task(reception, codes[name], "Task_Check")["id"],
                           CHECK)
    clock.set(at(11, 13))
    codes["D"] = open_dossier(reception, household)["code"]
    clock.set(at(12, 0))
    claim_and_complete(reception, open_task(reception, codes["D"], "Task_Check")["id"], CHECK)
    clock.set(NOW)
    return codes


def _get(caller, query="", status=200, url=URL):
    response = caller.get(url + query)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _by_element(body):
    return {item["element_id"]: item for item in body["elements"]}


def _counts(body):
    return {item["element_id"]: (item["open"], item["overdue"], item["completed"])
            for item in body["elements"]}


def test_one_entry_per_user_task_in_diagram_order(world, login_as):
    body = _get(login_as("supervisor"), "?from=2026-05-11&to=2026-05-12")
    assert (body["procedure"], body["number"], body["from"], body["to"]) == (
        HOUSEHOLD, 1, "2026-05-11", "2026-05-12")
    assert [item["element_id"] for item in body["elements"]] == ELEMENTS
    check = body["elements"][0]
    assert (check["name"], check["lane"]) == ("Tiếp nhận, kiểm tra hồ sơ", "@desk")
    assert _by_element(body)["Task_Inspect"] == {
        "element_id": "Task_Inspect", "name": "Xác minh địa điểm kinh doanh",
        "lane": "@economy", "open": 0, "overdue": 0, "completed": 0,
        "mean_wait_working_hours": None, "p90_wait_working_hours": None}


def test_the_counts_are_the_open_step_rows(world, login_as, db):
    """Counted from the task table: open rows of the version's dossiers, overdue
    when past due with the dossier's clock running (S waits for papers)."""
    body = _get(login_as("supervisor"))
    version = db.scalar(select(ProcedureVersion.id).where(ProcedureVersion.number == 1))
    rows = db.execute(select(Task.element_id, Task.due_at, Dossier.clock_state)
                      .join(Dossier, Dossier.id == Task.dossier_id)
                      .where(Task.status == "open", Dossier.version_id == version)).all()
    expected = {element: (sum(1 for row in rows if row.element_id == element),
                          sum(1 for row in rows if row.element_id == element
                              and row.clock_state == "running" and row.due_at < NOW))
                for element in ELEMENTS}
    assert {key: value[:2] for key, value in _counts(body).items()} == expected
    assert expected == {"Task_Check": (3, 2), "Task_Inspect": (0, 0), "Task_Fee": (3, 2),
                        "Task_Review": (3, 2), "Task_Approve": (0, 0)}


def test_claimed_steps_are_open_and_completed_ones_leave(world, login_as, clock):
    supervisor, reception = login_as("supervisor"), login_as("reception")
    task = open_task(reception, world["B"], "Task_Check")
    assert reception.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    assert _counts(_get(supervisor))["Task_Check"] == (3, 2, 3)  # claimed: still open
    clock.set(NOW + timedelta(minutes=20))
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CHECK})
    assert response.status_code == 200, response.get_json()
    counts = _counts(_get(supervisor))
    assert counts["Task_Check"] == (2, 1, 4)
    assert counts["Task_Fee"] == (4, 2, 0)  # B's fee is due at 11:20, D's at 09:30


def test_waits_are_working_hours_from_opened_to_completed(world, login_as):
    check = _by_element(_get(login_as("supervisor"), "?from=2026-05-11&to=2026-05-11"))[
        "Task_Check"]
    # A: Fri 16:00-17:00 and Mon 07:30-08:30; C: Fri 16:30-17:00 and Mon 07:30-08:30
    assert (check["completed"], check["mean_wait_working_hours"],
            check["p90_wait_working_hours"]) == (2, 1.75, 1.95)
    one = _by_element(_get(login_as("supervisor"), "?from=2026-05-12&to=2026-05-12"))
    assert (one["Task_Check"]["completed"], one["Task_Check"]["mean_wait_working_hours"],
            one["Task_Check"]["p90_wait_working_hours"]) == (1, 4.0, 4.0)  # D: Mon 13-17


@pytest.mark.parametrize("query, completed", [
    ("?from=2026-05-11&to=2026-05-11", 2),  # D's midnight is the next day's
    ("?from=2026-05-12&to=2026-05-12", 1),  # the first instant of the day is in it
    ("?from=2026-05-12", 1),  # to: today
    ("?to=2026-05-10", 0),
    ("?from=2026-05-13&to=2026-06-01", 0),
    ("", 3),  # the 30 days ending today
    ("?to=2026-05-11", 2),  # from: 29 days before to
])
def test_the_period_holds_whole_days_in_vietnam_time(world, login_as, query, completed):
    body = _get(login_as("supervisor"), query)
    assert _by_element(body)["Task_Check"]["completed"] == completed
    assert _counts(body)["Task_Fee"][:2] == (3, 2)  # open counts are now's, whatever the period


def test_default_period_is_the_30_days_ending_today(world, login_as):
    body = _get(login_as("supervisor"))
    assert (body["from"], body["to"]) == ("2026-04-13", "2026-05-12")


@pytest.mark.parametrize("who, check, fee", [
    ("supervisor", (3, 2, 3), (3, 2, 0)),
    ("admin", (3, 2, 3), (3, 2, 0)),
    ("sup_phuhoi", (2, 1, 3), (3, 2, 0)),  # not K, handled at Kim Long
    ("sup_kimlong", (1, 1, 0), (0, 0, 0)),
])
def test_each_supervisor_sees_only_the_dossiers_it_may_see(world, login_as, who, check, fee):
    caller = login_as(who, next((u["password"] for u in COMMUNE_SUPERVISORS
                                 if u["username"] == who), None))
    counts = _counts(_get(caller))
    assert (counts["Task_Check"], counts["Task_Fee"]) == (check, fee)


@pytest.mark.parametrize("who", ["officer", "reception", "leader", "designer"])
def test_other_roles_are_refused(world, login_as, who):
    assert _get(login_as(who), status=403)["status"] == 403


@pytest.mark.parametrize("url", ["/api/v1/monitor/heatmap/9.999999/1",
                                 "/api/v1/monitor/heatmap/1.001612/2",
                                 "/api/v1/monitor/heatmap/1.001612/0"])
def test_an_unknown_procedure_or_version_is_not_found(world, login_as, url):
    assert _get(login_as("supervisor"), url=url, status=404)["status"] == 404


@pytest.mark.parametrize("query, field", [
    ("?from=2026-05-12&to=2026-05-11", "from"),
    ("?from=2025-05-10&to=2026-05-11", "to"),  # 367 days
    ("?from=2025-05-11", "from"),  # 367 days to today
    ("?from=2026-05-13", "from"),  # after today
    ("?from=2026-02-30", "from"),
    ("?to=yesterday", "to"),
    ("?to=0001-01-01", "to"),
])
def test_a_bad_period_is_refused_naming_the_field(world, login_as, query, field):
    body = _get(login_as("supervisor"), query, status=422)
    assert [item["field"] for item in body["errors"]] == [field]


def test_a_year_is_allowed(world, login_as):
    body = _get(login_as("supervisor"), "?from=2025-05-12&to=2026-05-12")  # 366 days
    assert (body["from"], body["to"]) == ("2025-05-12", "2026-05-12")
    leap = _get(login_as("supervisor"), "?from=2024-01-01&to=2024-12-31")  # 366 days
    assert leap["to"] == "2024-12-31"


def test_statements_per_request_do_not_grow_with_the_rows(world, app, login_as, household):
    supervisor, reception, counted = login_as("supervisor"), login_as("reception"), []
    with app.app_context():
        engine = _db.engine

    def count(*_args):
        counted[-1] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        counted.append(0)
        _get(supervisor)
        few = counted[-1]
        for _ in range(4):
            code = open_dossier(reception, household)["code"]
            claim_and_complete(reception, open_task(reception, code, "Task_Check")["id"],
                               CHECK)
        counted.append(0)
        body = _get(supervisor)
        assert counted[-1] == few
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert _by_element(body)["Task_Check"]["completed"] == 7
    assert few <= 12, few
