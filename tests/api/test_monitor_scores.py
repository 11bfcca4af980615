"""`GET /monitor/scores`: each unit's and officer's steps done on time against
their allotments, each unit's dossiers resolved on time, graded.

The world (household dossiers; office hours 07:30-11:30, 13:00-17:00): on Fri
8 May 2026 at 09:00 the provincial desk receives A1 and A2 for Phú Hội, and
Kim Long's desk K for Kim Long. At 10:00 the desk checks A1 and Kim Long's desk
K (due 14:30: on time); at 10:30 the desk's leader confirms A1's fee and the
officer reviews it; at 11:00 the leader approves A1, which is resolved. On Mon
11 May at 08:00 the desk checks A2, due on Friday at 14:30: late. Now is then.
"""
from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from engine.catalogue.loading import load_people
from engine.kernel.settings import Grades, Settings
from engine.monitoring import scores
from engine.store.dossiers import Task

from ..conftest import VN
from .helpers import claim_and_complete, open_dossier, open_task
from .test_monitor_heatmap import CHECK, COMMUNE_SUPERVISORS

URL = "/api/v1/monitor/scores"
REVIEW = {"review_note": "Đủ", "review_outcome": "ok"}
APPROVE = {"decision": "approve", "decision_note": "Cấp giấy chứng nhận"}
PASSWORDS = {user["username"]: user["password"] for user in COMMUNE_SUPERVISORS}
ALL_UNITS = ["TTPVHCC", "UBND.KIMLONG.MC", "UBND.PHUHOI", "UBND.PHUHOI.KT", "UBND.PHUHOI.LD"]
ALL_OFFICERS = ["deskleader", "kimlong_desk", "leader", "officer", "reception"]
PHUHOI_UNITS, PHUHOI_OFFICERS = ALL_UNITS[2:], ["leader", "officer"]


def at(day, hour, minute=0):
    return datetime(2026, 5, day, hour, minute, tzinfo=VN)


def _step(caller, code, element, data):
    claim_and_complete(caller, open_task(caller, code, element)["id"], data)


@pytest.fixture
def world(household, admin_ctx, login_as, clock):
    load_people(admin_ctx, {"users": COMMUNE_SUPERVISORS})
    admin_ctx.session.close()
    reception, kimlong, codes = login_as("reception"), login_as("kimlong_desk"), {}
    clock.set(at(8, 9))
    codes["A1"] = open_dossier(reception, household)["code"]
    codes["A2"] = open_dossier(reception, household)["code"]
    codes["K"] = open_dossier(kimlong, household, handling_unit="UBND.KIMLONG")["code"]
    clock.set(at(8, 10))
    _step(reception, codes["A1"], "Task_Check", CHECK)
    _step(kimlong, codes["K"], "Task_Check", CHECK)
    clock.set(at(8, 10, 30))
    _step(login_as("deskleader"), codes["A1"], "Task_Fee", {})
    _step(login_as("officer"), codes["A1"], "Task_Review", REVIEW)
    clock.set(at(8, 11))
    _step(login_as("leader"), codes["A1"], "Task_Approve", APPROVE)
    clock.set(at(11, 8))
    _step(reception, codes["A2"], "Task_Check", CHECK)
    return codes


def _get(caller, query="", status=200):
    response = caller.get(URL + query)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _as(login_as, who):
    return login_as(who, PASSWORDS.get(who))


def _units(body):
    return {row["unit"]: row for row in body["units"]}


def _officers(body):
    return {row["username"]: row for row in body["officers"]}


def _figures(block):
    return (block.get("done", block.get("resolved")), block["on_time"], block["grade"])


def test_units_and_officers_are_scored(world, login_as):
    body = _get(login_as("supervisor"), "?from=2026-05-08&to=2026-05-11")
    assert (body["from"], body["to"], body["thresholds"]) == (
        "2026-05-08", "2026-05-11", {"good": 1.0, "fair": 0.95})
    units = _units(body)
    assert list(units) == ALL_UNITS
    assert units["TTPVHCC"]["name"] and units["TTPVHCC"]["steps"] == {
        "done": 3, "on_time": 2, "rate": 2 / 3, "grade": "weak"}  # A2's check was late
    assert units["TTPVHCC"]["dossiers"] == {
        "resolved": 0, "on_time": 0, "rate": None, "grade": None}  # not a handling unit
    assert {code: (_figures(row["steps"]), _figures(row["dossiers"]))
            for code, row in units.items() if code != "TTPVHCC"} == {
        "UBND.KIMLONG.MC": ((1, 1, "good"), (0, 0, None)),  # K: not resolved
        "UBND.PHUHOI": ((0, 0, None), (1, 1, "good")),  # A1 resolved early
        "UBND.PHUHOI.KT": ((1, 1, "good"), (0, 0, None)),
        "UBND.PHUHOI.LD": ((1, 1, "good"), (0, 0, None))}
    officers = _officers(body)
    assert list(officers) == ALL_OFFICERS
    assert officers["reception"] == {
        "username": "reception", "full_name": officers["reception"]["full_name"],
        "units": ["TTPVHCC"], "steps": {"done": 2, "on_time": 1, "rate": 0.5, "grade": "weak"}}
    assert officers["leader"]["units"] == ["UBND.PHUHOI", "UBND.PHUHOI.LD"]
    assert {name: _figures(row["steps"]) for name, row in officers.items()
            if name != "reception"} == {name: (1, 1, "good") for name in ALL_OFFICERS[:4]}


def test_a_step_is_on_time_up_to_its_due_time_inclusive(world, login_as, db):
    """The officer's review, moved by hand to end at its due time, then just after."""
    mine = Task.completed_by == "officer"
    due = db.scalar(select(Task.due_at).where(mine))
    for ended, expected in ((due, (1, 1, "good")),
                            (due + timedelta(milliseconds=1), (1, 0, "weak"))):
        db.execute(update(Task).where(mine).values(ended_at=ended))
        db.commit()
        body = _get(login_as("supervisor"))
        assert _figures(_officers(body)["officer"]["steps"]) == expected
        assert _figures(_units(body)["UBND.PHUHOI.KT"]["steps"]) == expected


def test_a_step_without_an_allotment_counts_done_and_on_time(world, login_as, db):
    late = select(Task.id).where(Task.completed_by == "reception", Task.ended_at == at(11, 8))
    db.execute(update(Task).where(Task.id.in_(late)).values(due_at=None))
    db.commit()
    body = _get(login_as("supervisor"))
    assert _figures(_officers(body)["reception"]["steps"]) == (2, 2, "good")
    assert _figures(_units(body)["TTPVHCC"]["steps"]) == (3, 3, "good")


@pytest.mark.parametrize("query, units", [
    ("?from=2026-05-11&to=2026-05-11", {"TTPVHCC": ((1, 0, "weak"), (0, 0, None))}),
    ("?from=2026-05-09&to=2026-05-10", {}),
    ("?to=2026-05-08", {"TTPVHCC": ((2, 2, "good"), (0, 0, None)),
                        "UBND.KIMLONG.MC": ((1, 1, "good"), (0, 0, None)),
                        "UBND.PHUHOI": ((0, 0, None), (1, 1, "good")),
                        "UBND.PHUHOI.KT": ((1, 1, "good"), (0, 0, None)),
                        "UBND.PHUHOI.LD": ((1, 1, "good"), (0, 0, None))}),
])
def test_the_period_counts_what_was_done_in_it(world, login_as, query, units):
    body = _get(login_as("supervisor"), query)
    assert {code: (_figures(row["steps"]), _figures(row["dossiers"]))
            for code, row in _units(body).items()} == units


def test_the_default_period_is_the_30_days_ending_today(world, login_as):
    body = _get(login_as("supervisor"))
    assert (body["from"], body["to"]) == ("2026-04-12", "2026-05-11")
    assert list(_units(body)) == ALL_UNITS


@pytest.mark.parametrize("who, query, units, officers", [
    ("admin", "", ALL_UNITS, ALL_OFFICERS),
    ("supervisor", "?unit=UBND", ALL_UNITS, ALL_OFFICERS),
    ("sup_phuhoi", "", PHUHOI_UNITS, PHUHOI_OFFICERS),
    ("supervisor", "?unit=UBND.PHUHOI", PHUHOI_UNITS, PHUHOI_OFFICERS),
    ("supervisor", "?unit=UBND.PHUHOI.KT", ["UBND.PHUHOI.KT"], ["officer"]),
    ("sup_kimlong", "", ["UBND.KIMLONG.MC"], ["kimlong_desk"]),
    ("sup_kimlong", "?unit=UBND.PHUHOI", [], []),
    ("supervisor", "?unit=TTPVHCC", ["TTPVHCC"], ["deskleader", "reception"]),
])
def test_each_supervisor_scores_its_own_units(world, login_as, who, query, units, officers):
    body = _get(_as(login_as, who), query)
    assert (list(_units(body)), list(_officers(body))) == (units, officers)


def test_an_officer_is_named_with_the_units_in_scope(world, login_as):
    leader = _officers(_get(_as(login_as, "sup_phuhoi"), "?unit=UBND.PHUHOI.LD"))["leader"]
    assert leader["units"] == ["UBND.PHUHOI.LD"] and _figures(leader["steps"]) == (1, 1, "good")


@pytest.mark.parametrize("who", ["officer", "reception", "leader", "designer"])
def test_other_roles_are_refused(world, login_as, who):
    assert _get(login_as(who), status=403)["status"] == 403


@pytest.mark.parametrize("query, field", [
    ("?unit=NOWHERE", "unit"),
    ("?from=2026-05-12&to=2026-05-11", "from"),
    ("?from=2025-05-10&to=2026-05-11", "to"),
    ("?to=2026-13-01", "to"),
])
def test_bad_filters_are_refused_naming_the_field(world, login_as, query, field):
    body = _get(login_as("supervisor"), query, status=422)
    assert [item["field"] for item in body["errors"]] == [field]


@pytest.mark.parametrize("on_time, done, grade", [
    (20, 20, "good"), (19, 20, "fair"), (18, 20, "weak"), (0, 3, "weak"), (0, 0, None)])
def test_grades_at_the_default_thresholds(on_time, done, grade):
    block = scores.figures(done, on_time, Grades())
    assert (block["rate"], block["grade"]) == (on_time / done if done else None, grade)


@pytest.mark.parametrize("rate, grade", [
    (0.8, "good"), (0.79, "fair"), (0.5, "fair"), (0.4999, "weak"), (0.0, "weak")])
def test_grades_at_custom_thresholds(rate, grade):
    assert scores.grade(rate, SimpleNamespace(good=0.8, fair=0.5)) == grade


class TestCustomThresholds:
    """`MOTCUA_SCORE_GRADES=good=0.6,fair=0.5`: the desk's two thirds are good, the
    reception officer's half is fair, exactly at the threshold."""

    @pytest.fixture
    def config(self, config):
        grades = Settings.parse({"score_grades": "good=0.6,fair=0.5"}).score_grades
        config.SETTINGS = replace(config.SETTINGS, score_grades=grades)
        return config

    def test_the_setting_grades_the_rates(self, world, login_as):
        body = _get(login_as("supervisor"))
        assert body["thresholds"] == {"good": 0.6, "fair": 0.5}
        assert _figures(_units(body)["TTPVHCC"]["steps"]) == (3, 2, "good")
        assert _figures(_officers(body)["reception"]["steps"]) == (2, 1, "fair")
