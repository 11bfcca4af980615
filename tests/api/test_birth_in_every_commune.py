"""The shipped birth registration (processes/birth-registration) serves every
commune of the demo province (issue 10). Deployed once, its `@desk`,
`@civil_status` and `@leader` lanes resolve per dossier: two dossiers handled
by phường Thuận Hóa and phường Kim Long, both received at the desk of xã Phú
Vang (reception regardless of administrative boundaries), walk to "result
delivered" (national status 10). Each step lands only with the handling
commune's unit of that function, the reception step with the receiving desk;
staff of the other commune get 404 on the dossier and its steps and find
nothing of it in their lists."""
import pytest

from .test_procedure_birth_registration import RECEPTION, SIGN, VERIFY
from .walk import Walk, deploy

DESK, RECEIVING, DESK_AGENCY = "phuvang_desk", "UBND.PHUVANG.MC", "000.22.41.H22"
COMMUNES = {"UBND.THUANHOA": "thuanhoa", "UBND.KIMLONG": "kimlong"}  # handling unit: prefix
OTHER = {"UBND.THUANHOA": "UBND.KIMLONG", "UBND.KIMLONG": "UBND.THUANHOA"}
ROLES = ("desk", "hotich", "diachinh", "kinhte", "chutich")  # demo users of each commune


def _staff(unit) -> list[str]:
    return [f"{COMMUNES.get(unit, unit)}_{role}" for role in ROLES]


def _codes(caller, what) -> set[str]:
    """Dossier codes in the caller's /dossiers, or of the tasks in its /tasks."""
    url = f"/api/v1/{what}?per_page=100" + ("&scope=all" if what == "tasks" else "")
    response = caller.get(url)
    assert response.status_code == 200, response.get_json()
    key = "dossier_code" if what == "tasks" else "code"
    return {item[key] for item in response.get_json()["items"]}


@pytest.fixture
def birth(demo, admin_ctx):
    return deploy(admin_ctx, "birth-registration")


@pytest.fixture
def walks(birth, login_as):
    """One walk-in dossier per handling commune, both at Phú Vang's desk."""
    return {unit: Walk(login_as, birth, DESK, handling_unit=unit) for unit in COMMUNES}


def _hidden_from(walk, unit, task_id=None):
    """Every demo user of commune `unit` gets 404 on the dossier (and the step)."""
    for name in _staff(unit):
        caller = walk.caller(name)
        assert caller.get(f"/api/v1/dossiers/{walk.code}").status_code == 404, name
        if task_id is not None:
            assert caller.get(f"/api/v1/tasks/{task_id}").status_code == 404, name
            assert caller.post(f"/api/v1/tasks/{task_id}/claim").status_code == 404, name


def _step(walk, unit, element_id, username, group, data):
    """Check the step is hidden from the other commune, then do it."""
    task = walk.task(element_id, username, group)
    _hidden_from(walk, OTHER[unit], task["id"])
    return walk.step(element_id, username, group, data)


def test_one_version_walks_to_result_delivered_in_two_communes(birth, walks, login_as):
    admin = login_as("admin")
    assert admin.get(f"/api/v1/procedures/{birth}/versions").get_json()["total"] == 1
    opened = [walk.opened for walk in walks.values()]
    assert [(d["receiving_unit"], d["handling_unit"], d["version"]) for d in opened] == [
        (RECEIVING, "UBND.THUANHOA", 1), (RECEIVING, "UBND.KIMLONG", 1)]
    # the receiving desk's agency code numbers both, one sequence
    assert [d["code"] for d in opened] == [f"{DESK_AGENCY}-260424-0001",
                                           f"{DESK_AGENCY}-260424-0002"]

    for unit, walk in walks.items():  # the check at reception, where the applicant stands
        assert walk.open_steps(DESK) == ["Task_Receive"]
        assert _step(walk, unit, "Task_Receive", DESK, RECEIVING, RECEPTION) == ["Task_Verify"]

    # both verifications wait, each only in its own commune's inbox
    for unit, walk in walks.items():
        prefix, other = COMMUNES[unit], walks[OTHER[unit]]
        officer = walk.caller(f"{prefix}_hotich")
        assert _codes(officer, "tasks") == _codes(officer, "dossiers") == {walk.code}
        available = officer.get("/api/v1/tasks?scope=available").get_json()["items"]
        assert [(t["dossier_code"], t["element_id"]) for t in available] == [
            (walk.code, "Task_Verify")]
        for name in _staff(unit):
            assert other.code not in _codes(walk.caller(name), "tasks") | _codes(
                walk.caller(name), "dossiers"), name

    for unit, walk in walks.items():
        prefix = COMMUNES[unit]
        assert _step(walk, unit, "Task_Verify", f"{prefix}_hotich", f"{unit}.TP",
                     VERIFY) == ["Task_Sign"]
        assert walk.status(f"{prefix}_chutich") == ("processing", 4)
        assert _step(walk, unit, "Task_Sign", f"{prefix}_chutich", f"{unit}.LD", SIGN) == []
        assert walk.status(DESK) == ("resolved", 9)
        walk.deliver(DESK)  # the hand-back, at the desk that received it

    for unit, walk in walks.items():
        prefix = COMMUNES[unit]
        final = walk.read(f"{prefix}_chutich")
        assert (final["status"], final["national_status"]) == ("returned", 10)
        assert (final["receiving_unit"], final["handling_unit"]) == (RECEIVING, unit)
        assert final["data"]["decision"] == "approve"
        assert walk.task_events(DESK) == walk.expected_task_events() == [
            ("task.claimed", "Task_Receive", DESK), ("task.completed", "Task_Receive", DESK),
            ("task.claimed", "Task_Verify", f"{prefix}_hotich"),
            ("task.completed", "Task_Verify", f"{prefix}_hotich"),
            ("task.claimed", "Task_Sign", f"{prefix}_chutich"),
            ("task.completed", "Task_Sign", f"{prefix}_chutich")]
        assert [e["type"] for e in walk.history(DESK)[-2:]] == [
            "dossier.resolved", "dossier.returned"]
        _hidden_from(walk, OTHER[unit])
        for name in _staff(OTHER[unit]):
            assert walk.code not in _codes(walk.caller(name), "dossiers")
        assert _codes(walk.caller(f"{prefix}_hotich"), "dossiers") == {walk.code}
    codes = {walk.code for walk in walks.values()}
    assert _codes(login_as(DESK), "dossiers") == codes  # it received both
    for name in (*_staff("phuhoi"), "phuvang_hotich", "phuvang_diachinh", "reception"):
        caller = login_as(name)  # a fourth commune, the desk's own sections, the province desk
        assert _codes(caller, "dossiers") == set() == _codes(caller, "tasks"), name


def test_only_the_receiving_desk_and_the_right_sections_take_the_steps(walks):
    unit, walk = "UBND.THUANHOA", walks["UBND.THUANHOA"]
    receive = walk.task("Task_Receive", DESK, RECEIVING)
    # the handling commune's own desk sees the dossier, but the check is Phú Vang's
    own_desk = walk.caller("thuanhoa_desk")
    assert own_desk.get(f"/api/v1/dossiers/{walk.code}").status_code == 200
    assert own_desk.post(f"/api/v1/tasks/{receive['id']}/claim").status_code == 404
    walk.step("Task_Receive", DESK, RECEIVING, RECEPTION)
    verify = walk.task("Task_Verify", "thuanhoa_hotich", f"{unit}.TP")
    for name in ("thuanhoa_diachinh", "thuanhoa_kinhte", DESK, "phuhoi_hotich"):
        response = walk.caller(name).post(f"/api/v1/tasks/{verify['id']}/claim")
        assert response.status_code == 404, (name, response.get_json())
    walk.step("Task_Verify", "thuanhoa_hotich", f"{unit}.TP", VERIFY)
    sign = walk.task("Task_Sign", "thuanhoa_chutich", f"{unit}.LD")
    for name in ("thuanhoa_hotich", "phuvang_chutich", "kimlong_chutich"):
        response = walk.caller(name).post(f"/api/v1/tasks/{sign['id']}/claim")
        assert response.status_code == 404, (name, response.get_json())
    assert walk.step("Task_Sign", "thuanhoa_chutich", f"{unit}.LD", SIGN) == []
    walk.deliver(DESK)
