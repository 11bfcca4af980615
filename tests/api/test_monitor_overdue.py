"""`GET /monitor/overdue`: open steps and running dossiers past due or due
within a threshold of working time, in the caller's view, most late first.

The world, from Fri 24 Apr 2026 09:00 (Mon 27 Apr is Hùng Kings day): at Phú
Hội, household A (its check due Fri 14:30), S (sent for a supplement) and W
(withdrawn); a birth K at Kim Long (its reception step due Fri 10:00, the
dossier Tue 28 09:00) and a birth at Phú Vang resolved at once; on Tue 28 Apr
household N at 07:30 (check due 11:30) and F at 10:00 (due 15:30). Now is Tue
28 Apr 10:00."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select

from engine.deadlines.worktime import build_calendar, working_time_between
from engine.store import db as _db
from engine.store.dossiers import Dossier, Task

from ..conftest import VN
from .helpers import open_dossier, open_task, claim_and_complete
from .test_procedure_birth_registration import RECEPTION, SIGN, VERIFY
from .walk import deploy

URL = "/api/v1/monitor/overdue"
BIRTH = "1.001193"
NOW = datetime(2026, 4, 28, 10, 0, tzinfo=VN)
# (kind, dossier, element): working hours late at NOW, most late first
EXPECTED = [("task", "K", "Task_Receive", 8.0),  # Fri 10:00-17:00 (lunch out), Tue 07:30-10:00
            ("task", "A", "Task_Check", 5.0),  # Fri 14:30-17:00, weekend and holiday, Tue
            ("dossier", "K", None, 1.0),  # due Tue 09:00
            ("task", "N", "Task_Check", -1.5),  # 1.5 h left before 11:30
            ("task", "F", "Task_Check", -4.0)]  # 10:00-11:30, then 13:00-15:30


def _post(caller, code, action, body):
    response = caller.post(f"/api/v1/dossiers/{code}/{action}", json=body)
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def world(household, admin_ctx, login_as, clock):
    deploy(admin_ctx, "birth-registration")
    reception, codes = login_as("reception"), {}
    for name in "ASW":
        codes[name] = open_dossier(reception, household)["code"]
    _post(reception, codes["S"], "supplement-request", {"missing": ["Bản sao CCCD"]})
    _post(reception, codes["W"], "withdraw", {"reason": "người dân rút"})
    codes["K"] = open_dossier(login_as("kimlong_desk"), BIRTH,
                              handling_unit="UBND.KIMLONG")["code"]
    codes["R"] = _resolved_birth(login_as)
    clock.set(datetime(2026, 4, 28, 7, 30, tzinfo=VN))
    codes["N"] = open_dossier(reception, household)["code"]
    clock.set(NOW)
    codes["F"] = open_dossier(reception, household)["code"]
    return codes


def _resolved_birth(login_as):
    code = open_dossier(login_as("phuvang_desk"), BIRTH, handling_unit="UBND.PHUVANG")["code"]
    for element, who, data in (("Task_Receive", "phuvang_desk", RECEPTION),
                               ("Task_Verify", "phuvang_hotich", VERIFY),
                               ("Task_Sign", "phuvang_chutich", SIGN)):
        caller = login_as(who)
        claim_and_complete(caller, open_task(caller, code, element)["id"], data)
    return code


def _get(caller, query="", status=200):
    response = caller.get(URL + query)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _keys(body, codes):
    names = {code: name for name, code in codes.items()}
    return [(item["kind"], names[item["dossier_code"]], item["element_id"],
             item["working_hours_late"]) for item in body["items"]]


def test_the_list_is_the_late_and_near_steps_and_dossiers_most_late_first(world, login_as):
    body = _get(login_as("supervisor"), "?per_page=100")
    assert _keys(body, world) == EXPECTED and body["total"] == 5
    first = body["items"][0]
    assert first == {
        "kind": "task", "dossier_code": world["K"], "procedure": BIRTH, "level": "commune",
        "handling_unit": "UBND.KIMLONG", "receiving_unit": "UBND.KIMLONG.MC",
        "task_id": first["task_id"], "element_id": "Task_Receive",
        "name": "Tiếp nhận, kiểm tra tờ khai", "candidate_groups": ["UBND.KIMLONG.MC"],
        "assignee": None, "due_at": "2026-04-24T10:00:00.000+07:00", "overdue": True,
        "working_hours_late": 8.0}
    assert [item["overdue"] for item in body["items"]] == [True, True, True, False, False]
    assert "Nguyễn" not in str(body) and "001099012345" not in str(body)  # no personal data


def test_entries_are_the_open_steps_and_running_dossiers_due_by_the_horizon(world, db):
    """Counted from the rows, by the clock's state rather than the status sets."""
    horizon = datetime(2026, 4, 28, 15, 30, tzinfo=VN)  # half a working day after NOW
    tasks = db.scalars(select(Task).where(Task.status == "open")).all()
    dossiers = db.scalars(select(Dossier)).all()
    expected = {(t.dossier.code, t.element_id) for t in tasks
                if t.dossier.clock_state == "running" and t.due_at <= horizon}
    expected |= {(d.code, None) for d in dossiers
                 if d.clock_state == "running" and d.resolved_at is None
                 and d.due_at <= horizon}
    names = {code: name for name, code in world.items()}
    assert {(names[code], element) for code, element in expected} == {
        (name, element) for _kind, name, element, _late in EXPECTED}
    assert {d.status for d in dossiers if d.code in (world["S"], world["W"], world["R"])} == {
        "supplement", "withdrawn", "resolved"}


def test_lateness_is_working_time_across_the_lunch_break(world, login_as, clock):
    clock.set(datetime(2026, 4, 28, 13, 30, tzinfo=VN))
    late = {(kind, name, element): hours
            for kind, name, element, hours in _keys(_get(login_as("supervisor")), world)}
    assert late[("task", "N", "Task_Check")] == 0.5  # due 11:30: 30 minutes after lunch
    cal = build_calendar()
    assert late[("task", "A", "Task_Check")] == working_time_between(
        datetime(2026, 4, 24, 14, 30, tzinfo=VN), clock.now(), cal) / timedelta(hours=1)


def test_within_sets_the_near_due_horizon(world, login_as):
    supervisor = login_as("supervisor")
    assert [k[1] for k in _keys(_get(supervisor, "?within=3h"), world)] == ["K", "A", "K", "N"]
    assert [k[1] for k in _keys(_get(supervisor, "?within=0h"), world)] == ["K", "A", "K"]
    assert _get(supervisor, "?within=1d")["total"] == 5
    for bad in ("4x", "-1h", "abc", "61d"):
        _get(supervisor, f"?within={bad}", status=422)


@pytest.mark.parametrize("query, expected", [
    ("?unit=UBND.KIMLONG", ["K", "K"]),
    ("?unit=UBND", ["K", "A", "K", "N", "F"]),
    ("?unit=TTPVHCC", ["A", "N", "F"]),  # the household's check: the desk's step
    ("?unit=UBND.PHUHOI", ["A", "N", "F"]),  # handled there
    ("?unit=UBND.PHUVANG", []),
    ("?procedure=1.001193", ["K", "K"]),
    ("?level=commune", ["K", "A", "K", "N", "F"]),
    ("?level=province", []),
    ("?kind=dossier", ["K"]),
    ("?kind=task&procedure=1.001612", ["A", "N", "F"]),
])
def test_filters(world, login_as, query, expected):
    assert [k[1] for k in _keys(_get(login_as("supervisor"), query), world)] == expected


def test_pages(world, login_as):
    body = _get(login_as("supervisor"), "?per_page=2&page=2")
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)
    assert _keys(body, world) == EXPECTED[2:4]
    assert _get(login_as("supervisor"), "?per_page=2&page=4")["items"] == []


@pytest.mark.parametrize("who, expected", [
    ("supervisor", ["K", "A", "K", "N", "F"]),
    ("kimlong_chutich", ["K", "K"]),
    ("leader", ["A", "N", "F"]),
    ("thuanhoa_chutich", []),
    ("admin", ["K", "A", "K", "N", "F"]),
])
def test_each_caller_sees_only_the_dossiers_it_may_see(world, login_as, who, expected):
    assert [k[1] for k in _keys(_get(login_as(who)), world)] == expected


@pytest.mark.parametrize("who", ["officer", "reception", "designer", "kimlong_hotich"])
def test_other_roles_are_refused(world, login_as, who):
    assert _get(login_as(who), status=403)["status"] == 403


def test_an_assignee_is_named(world, login_as):
    kimlong = login_as("kimlong_desk")
    task = open_task(kimlong, world["K"], "Task_Receive")
    assert kimlong.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    item = _get(login_as("supervisor"), "?procedure=1.001193&kind=task")["items"][0]
    assert (item["task_id"], item["assignee"]) == (task["id"], "kimlong_desk")


def test_statements_per_request_do_not_grow_with_the_rows(world, app, login_as, household):
    supervisor, counted = login_as("supervisor"), []
    with app.app_context():
        engine = _db.engine

    def count(*_args):
        counted[-1] += 1

    def statements(query):
        counted.append(0)
        _get(supervisor, query)
        return counted[-1]

    event.listen(engine, "before_cursor_execute", count)
    try:
        few = statements("?per_page=1")
        assert statements("?per_page=100") == few
        for _ in range(3):
            open_dossier(login_as("reception"), household)
        counted.append(0)  # the openings above are not the list's
        assert statements("?per_page=100") == few
        assert _get(supervisor)["total"] == 8
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert few <= 12, few
