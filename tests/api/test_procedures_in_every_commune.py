"""Every shipped procedure serves every commune of the demo province (issue 10).

Commune-level (birth registration, business household, construction permit,
land-use certificate): deployed once, a version's `@function` lanes resolve
per dossier. Two dossiers handled by phường Thuận Hóa and phường Kim Long, both
received at the desk of xã Phú Vang (reception regardless of administrative
boundaries), walk to "result delivered" (national status 10) along each
procedure's own happy path (`walk_to_result` of its test_procedure_<x>.py).
Each step lands only with the handling commune's unit of that function, the
desk's steps with the receiving desk, a department's lane (land-use's
SNNMT.VPDK and CT) with that department; staff of the other commune get 404 on
the dossier and its steps and find nothing of it in their lists.

Province-level (judicial record): two dossiers received at two commune desks
both go to the provincial police; staff of a commune that neither received
nor handles them get 404 and see nothing."""
import pytest

from . import test_procedure_birth_registration as birth
from . import test_procedure_business_household as household
from . import test_procedure_construction_permit as construction
from . import test_procedure_judicial_record as judicial
from . import test_procedure_land_use_certificate as land_use
from ..conftest import PROCESSES
from .walk import Walk, deploy

DESK, RECEIVING, DESK_AGENCY = "phuvang_desk", "UBND.PHUVANG.MC", "000.22.41.H22"
COMMUNES = {"UBND.THUANHOA": "thuanhoa", "UBND.KIMLONG": "kimlong"}  # handling unit: prefix
OTHER = {"UBND.THUANHOA": "UBND.KIMLONG", "UBND.KIMLONG": "UBND.THUANHOA"}
ROLES = ("desk", "hotich", "diachinh", "kinhte", "chutich")  # demo users of each commune
FUNCTIONS = {  # lane function: demo user suffix, section code suffix (in every commune)
    "civil_status": ("hotich", "TP"), "land": ("diachinh", "DC"),
    "economy": ("kinhte", "KT"), "leader": ("chutich", "LD")}
COMMUNE_LEVEL = {  # test id: module (its STAFF, PATH, walk_to_result), folder
    "birth": (birth, "birth-registration"),
    "household": (household, "business-household"),
    "construction": (construction, "construction-permit"),
    "land-use": (land_use, "land-use-certificate"),
}


DEPARTMENT_LEADERS = {"land-use": ("nnmt_leader",)}  # a department's steps in a commune's dossier


def test_every_shipped_procedure_is_walked_here():
    """A new folder in processes/ is walked in this module, or this fails."""
    walked = {folder for _, folder in COMMUNE_LEVEL.values()} | {"judicial-record"}
    assert {path.parent.name for path in PROCESSES.glob("*/procedure.json")} == walked


def _staff(unit) -> list[str]:
    return [f"{COMMUNES.get(unit, unit)}_{role}" for role in ROLES]


def _codes(caller, what) -> set[str]:
    """Dossier codes in the caller's /dossiers, or of the tasks in its /tasks."""
    url = f"/api/v1/{what}?per_page=100" + ("&scope=all" if what == "tasks" else "")
    response = caller.get(url)
    assert response.status_code == 200, response.get_json()
    key = "dossier_code" if what == "tasks" else "code"
    return {item[key] for item in response.get_json()["items"]}


def _commune_staff(module, unit) -> dict:
    """The module's lane roles staffed for a dossier handled by `unit` and
    received at Phú Vang's desk; a department's lane keeps its own staff."""
    staff = {}
    for role, fixed in module.STAFF.items():
        if role == "desk":
            staff[role] = (DESK, RECEIVING)
        elif role in FUNCTIONS:
            user, section = FUNCTIONS[role]
            staff[role] = (f"{COMMUNES[unit]}_{user}", f"{unit}.{section}")
        else:
            staff[role] = fixed
    return staff


def _hidden_from(walk, names, task_id=None):
    """Every one of `names` gets 404 on the dossier (and the step, and its claim)."""
    for name in names:
        caller = walk.caller(name)
        assert caller.get(f"/api/v1/dossiers/{walk.code}").status_code == 404, name
        if task_id is not None:
            assert caller.get(f"/api/v1/tasks/{task_id}").status_code == 404, name
            assert caller.post(f"/api/v1/tasks/{task_id}/claim").status_code == 404, name


def _guard(walk, names):
    """Before each step of the walk, check it is hidden from `names`."""
    walk.watch(lambda element_id, task: _hidden_from(walk, names, task["id"]))


def _first_step(walk, module, staff):
    """The desk's first step, where the applicant stands."""
    element_id, role, data, opens = module.PATH[0]
    assert walk.open_steps(staff[role][0]) == [element_id]
    assert walk.step(element_id, *staff[role], data) == opens


def _open_walks(login_as, code, module):
    """One walk-in dossier per handling commune, both at Phú Vang's desk, each
    guarded against the other commune's staff."""
    walks, staffs = {}, {}
    for unit in COMMUNES:
        walks[unit] = Walk(login_as, code, DESK, handling_unit=unit)
        staffs[unit] = _commune_staff(module, unit)
        _guard(walks[unit], _staff(OTHER[unit]))
    return walks, staffs


def _check_inboxes(walks, staffs, module):
    """After reception: each open step waits in the inbox of its lane's user
    only; the handling commune's staff see their own dossier, never the other."""
    roles = {element_id: role for element_id, role, *_ in module.PATH}
    expected = {}  # username: {(dossier code, element id)} available to them
    for unit, walk in walks.items():
        for element_id in walk.open_steps(DESK):
            username = staffs[unit][roles[element_id]][0]
            expected.setdefault(username, set()).add((walk.code, element_id))
    for username, steps in expected.items():
        caller = walks["UBND.THUANHOA"].caller(username)
        available = caller.get("/api/v1/tasks?scope=available").get_json()["items"]
        assert {(t["dossier_code"], t["element_id"]) for t in available} == steps, username
    for unit, walk in walks.items():
        other = walks[OTHER[unit]]
        for role, (username, _) in staffs[unit].items():
            if role in FUNCTIONS and username in expected:  # a step waits for them
                caller = walk.caller(username)
                assert _codes(caller, "tasks") == _codes(caller, "dossiers") == {walk.code}
        for name in _staff(unit):
            caller = walk.caller(name)
            assert other.code not in _codes(caller, "tasks") | _codes(caller, "dossiers"), name


def _check_delivered(walk, unit, staff, module):
    """Status 10, who did each step, and hidden from the other commune."""
    final = walk.read(staff["leader"][0])
    assert (final["status"], final["national_status"]) == ("returned", 10)
    assert (final["receiving_unit"], final["handling_unit"]) == (RECEIVING, unit)
    assert final["data"]["decision"] == "approve"
    assert walk.steps == [(element_id, staff[role][0]) for element_id, role, *_ in module.PATH]
    assert walk.task_events(DESK) == walk.expected_task_events()
    assert [e["type"] for e in walk.history(DESK)[-2:]] == [
        "dossier.resolved", "dossier.returned"]
    _hidden_from(walk, _staff(OTHER[unit]))
    for name in _staff(OTHER[unit]):
        caller = walk.caller(name)
        assert walk.code not in _codes(caller, "dossiers") | _codes(caller, "tasks"), name
    for name in _staff(unit):  # the handling commune: its own dossier only
        assert _codes(walk.caller(name), "dossiers") == {walk.code}, name


@pytest.mark.parametrize("name", list(COMMUNE_LEVEL))
def test_one_version_walks_to_result_delivered_in_two_communes(
        name, demo, admin_ctx, login_as):
    module, folder = COMMUNE_LEVEL[name]
    code = deploy(admin_ctx, folder)
    admin = login_as("admin")
    assert admin.get(f"/api/v1/procedures/{code}/versions").get_json()["total"] == 1
    walks, staffs = _open_walks(login_as, code, module)
    opened = [walk.opened for walk in walks.values()]
    assert [(d["receiving_unit"], d["handling_unit"], d["version"]) for d in opened] == [
        (RECEIVING, "UBND.THUANHOA", 1), (RECEIVING, "UBND.KIMLONG", 1)]
    # the receiving desk's agency code numbers both, one sequence
    assert [d["code"] for d in opened] == [f"{DESK_AGENCY}-260424-0001",
                                           f"{DESK_AGENCY}-260424-0002"]

    for unit, walk in walks.items():  # the check at reception, where the applicant stands
        _first_step(walk, module, staffs[unit])
    _check_inboxes(walks, staffs, module)  # both wait, each in its own commune

    for unit, walk in walks.items():
        delivered = module.walk_to_result(walk, staffs[unit])  # at the desk that received it
        assert (delivered["status"], delivered["national_status"]) == ("returned", 10)
    for unit, walk in walks.items():
        _check_delivered(walk, unit, staffs[unit], module)

    codes = {walk.code for walk in walks.values()}
    assert _codes(login_as(DESK), "dossiers") == codes  # it received both
    for role, (username, _) in staffs["UBND.THUANHOA"].items():
        if role != "desk" and role not in FUNCTIONS:  # a department: both dossiers
            assert _codes(login_as(username), "dossiers") == codes, username
    for username in DEPARTMENT_LEADERS.get(name, ()):  # whom the department's ladder alerts
        assert _codes(login_as(username), "dossiers") == codes, username
    for other in (*_staff("phuhoi"), "phuvang_hotich", "phuvang_diachinh", "reception"):
        caller = login_as(other)  # a fourth commune, the desk's own sections, the province desk
        assert _codes(caller, "dossiers") == set() == _codes(caller, "tasks"), other


JUDICIAL_DESKS = {  # receiving desk unit: its reception user, its commune's agency code
    "UBND.PHUVANG.MC": ("phuvang_desk", "000.22.41.H22"),
    "UBND.KIMLONG.MC": ("kimlong_desk", "000.21.35.H22"),
}


def test_judicial_records_received_at_two_commune_desks_go_to_the_police(
        demo, admin_ctx, login_as):
    """Province-level: the handling unit is the police (CA) whichever desk
    receives; Thuận Hóa, which neither received nor handles them, sees nothing."""
    code = deploy(admin_ctx, "judicial-record")
    outsiders = _staff("UBND.THUANHOA")
    walks = {}
    for desk_unit, (desk, agency) in JUDICIAL_DESKS.items():
        walk = walks[desk_unit] = Walk(login_as, code, desk)
        opened = walk.opened
        assert (opened["receiving_unit"], opened["handling_unit"]) == (desk_unit, "CA")
        assert opened["code"] == f"{agency}-260424-0001"  # each desk numbers its own
        _guard(walk, outsiders)
    for desk_unit, walk in walks.items():
        staff = {**judicial.STAFF, "desk": (JUDICIAL_DESKS[desk_unit][0], desk_unit)}
        _first_step(walk, judicial, staff)
        assert judicial.walk_to_result(walk, staff)["national_status"] == 10
        final = walk.read(judicial.LEADER)
        assert (final["receiving_unit"], final["handling_unit"]) == (desk_unit, "CA")
        assert walk.steps == [(element_id, staff[role][0])
                              for element_id, role, *_ in judicial.PATH]
        assert walk.task_events(judicial.LEADER) == walk.expected_task_events()
        _hidden_from(walk, outsiders)

    codes = {walk.code for walk in walks.values()}
    for desk_unit, walk in walks.items():  # each desk sees what it received
        assert _codes(walk.caller(JUDICIAL_DESKS[desk_unit][0]), "dossiers") == {walk.code}
    assert _codes(login_as(judicial.LEADER), "dossiers") == codes
    for name in outsiders:
        caller = login_as(name)
        assert not codes & (_codes(caller, "dossiers") | _codes(caller, "tasks")), name


@pytest.fixture
def walks(demo, admin_ctx, login_as):
    """Birth registration: one dossier per handling commune, at Phú Vang's desk."""
    code = deploy(admin_ctx, "birth-registration")
    return {unit: Walk(login_as, code, DESK, handling_unit=unit) for unit in COMMUNES}


def test_only_the_receiving_desk_and_the_right_sections_take_the_steps(walks):
    unit, walk = "UBND.THUANHOA", walks["UBND.THUANHOA"]
    receive = walk.task("Task_Receive", DESK, RECEIVING)
    # the handling commune's own desk sees the dossier, but the check is Phú Vang's
    own_desk = walk.caller("thuanhoa_desk")
    assert own_desk.get(f"/api/v1/dossiers/{walk.code}").status_code == 200
    assert own_desk.post(f"/api/v1/tasks/{receive['id']}/claim").status_code == 404
    walk.step("Task_Receive", DESK, RECEIVING, birth.RECEPTION)
    verify = walk.task("Task_Verify", "thuanhoa_hotich", f"{unit}.TP")
    for name in ("thuanhoa_diachinh", "thuanhoa_kinhte", DESK, "phuhoi_hotich"):
        response = walk.caller(name).post(f"/api/v1/tasks/{verify['id']}/claim")
        assert response.status_code == 404, (name, response.get_json())
    walk.step("Task_Verify", "thuanhoa_hotich", f"{unit}.TP", birth.VERIFY)
    sign = walk.task("Task_Sign", "thuanhoa_chutich", f"{unit}.LD")
    for name in ("thuanhoa_hotich", "phuvang_chutich", "kimlong_chutich"):
        response = walk.caller(name).post(f"/api/v1/tasks/{sign['id']}/claim")
        assert response.status_code == 404, (name, response.get_json())
    assert walk.step("Task_Sign", "thuanhoa_chutich", f"{unit}.LD", birth.SIGN) == []
    walk.deliver(DESK)
