"""One commune-level version serves every commune (issue 10): `@function`
lanes resolve to the handling commune's units, `@desk` to the receiving desk;
who sees what follows the receiving desk, the handling unit and the steps'
candidates; refused handling units store nothing; a dossier moves with its
open steps; the ladder reaches the handling commune's leader."""
import pytest

from engine.scheduling.scheduler import run_once

from .communes import PROCEDURE, commune_bpmn, deploy
from .helpers import APPLICANT

URL = "/api/v1/dossiers"
CHECK, VERIFY, SIGN = {"checked": True}, {"verified": True}, {"decision": "approve"}


def _open(caller, handling_unit, **extra):
    body = {"procedure": PROCEDURE, "applicant": APPLICANT, "channel": "direct", **extra}
    if handling_unit is not None:
        body["handling_unit"] = handling_unit
    return caller.post(URL, json=body)


def _opened(caller, handling_unit):
    response = _open(caller, handling_unit)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _task(caller, code, element_id):
    tasks = caller.get(f"{URL}/{code}").get_json()["tasks"]
    [task] = [t for t in tasks if t["element_id"] == element_id]
    return task


def _do(caller, task_id, data):
    assert caller.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    response = caller.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _codes(caller, what):
    items = caller.get(f"/api/v1/{what}?per_page=100" + (
        "&scope=all" if what == "tasks" else "")).get_json()["items"]
    return {item["dossier_code"] if what == "tasks" else item["code"] for item in items}


def _errors(response, status=422):
    assert response.status_code == status, response.get_json()
    return response.get_json()["errors"]


def test_one_version_serves_two_communes_and_a_third_desk(communes):
    people = communes
    in_a = _opened(people["desk_a"], "XA")
    in_b = _opened(people["desk_b"], "XB")
    at_c = _opened(people["desk_c"], "XB")  # boundary-free reception
    assert at_c["code"].startswith("000.21.03.T99-")  # the receiving desk's agency code
    assert [(d["receiving_unit"], d["handling_unit"], d["version"]) for d in (
        in_a, in_b, at_c)] == [("XA.MC", "XA", 1), ("XB.MC", "XB", 1), ("XC.MC", "XB", 1)]
    versions = people["admin"].get(f"/api/v1/procedures/{PROCEDURE}/versions").get_json()
    assert versions["total"] == 1
    expected = {in_a["code"]: ("desk_a", "XA.MC", "tp_a", "XA.TP", "ld_a", "XA.LD"),
                in_b["code"]: ("desk_b", "XB.MC", "tp_b", "XB.TP", "ld_b", "XB.LD"),
                at_c["code"]: ("desk_c", "XC.MC", "tp_b", "XB.TP", "ld_b", "XB.LD")}
    for code, (desk, desk_unit, officer, officer_unit, leader, leader_unit) in expected.items():
        check = _task(people[desk], code, "Task_Check")
        assert check["candidate_groups"] == [desk_unit]
        _do(people[desk], check["id"], CHECK)
        verify = _task(people[officer], code, "Task_Verify")
        assert verify["candidate_groups"] == [officer_unit]
        _do(people[officer], verify["id"], VERIFY)
        sign = _task(people[leader], code, "Task_Sign")
        assert sign["candidate_groups"] == [leader_unit]
        _do(people[leader], sign["id"], SIGN)
        assert people[leader].get(f"{URL}/{code}").get_json()["status"] == "resolved"
    # staff of the other communes see nothing of commune B's dossiers
    for name in ("desk_a", "tp_a", "ld_a"):
        assert _codes(people[name], "dossiers") == {in_a["code"]}
        assert _codes(people[name], "tasks") <= {in_a["code"]}
        for code in (in_b["code"], at_c["code"]):
            assert people[name].get(f"{URL}/{code}").status_code == 404
    assert _codes(people["desk_c"], "dossiers") == {at_c["code"]}  # it received it
    assert _codes(people["tp_b"], "dossiers") == {in_b["code"], at_c["code"]}
    assert _codes(people["ld_p"], "dossiers") == {in_a["code"], in_b["code"], at_c["code"]}


def test_steps_of_other_communes_are_404(communes):
    people = communes
    code = _opened(people["desk_b"], "XB")["code"]
    check = _task(people["desk_b"], code, "Task_Check")
    _do(people["desk_b"], check["id"], CHECK)
    verify = _task(people["tp_b"], code, "Task_Verify")
    for name in ("tp_a", "desk_a", "desk_c", "ld_a"):
        assert people[name].get(f"/api/v1/tasks/{verify['id']}").status_code == 404
        assert people[name].post(f"/api/v1/tasks/{verify['id']}/claim").status_code == 404
        assert _codes(people[name], "tasks") == set()
    assert people["tp_b"].get(f"/api/v1/tasks/{verify['id']}").status_code == 200


def _nothing_stored(people):
    assert people["admin"].get(URL).get_json()["total"] == 0


def test_refused_handling_units_store_nothing(communes):
    people = communes
    problems = [
        (_open(people["desk_a"], None), "handling_unit", "required"),
        (_open(people["desk_a"], "ELSEWHERE"), "handling_unit", "not under TINH"),
        (_open(people["desk_a"], "NOPE"), "handling_unit", "no such unit"),
        (_open(people["desk_a"], "XC"), "handling_unit", "civil_status"),
        (_open(people["desk_a"], "XC", outcome="supplement", missing=["Tờ khai"]),
         "handling_unit", "civil_status"),
        (_open(people["desk_a"], "XC", channel="online"), "handling_unit", "civil_status"),
    ]
    for response, field, words in problems:
        [error] = _errors(response)
        assert error["field"] == field and words in error["message"], error
    assert "civil_status" in _open(people["desk_a"], "XC").get_json()["detail"]
    _nothing_stored(people)
    # no dossier code was taken by a refusal: the desk's sequence starts at 0001
    assert _opened(people["desk_a"], "XA")["code"].endswith("-0001")


def test_a_diagram_naming_an_unknown_function_is_refused(communes):
    admin = communes["admin"]
    admin.post("/api/v1/procedures", json={
        "code": "CX.2", "name": "x", "agency": "TINH", "level": "commune",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    response = admin.post("/api/v1/procedures/CX.2/versions",
                          data=commune_bpmn(officer="@cadastre"),
                          content_type="application/xml")
    [error] = _errors(response)
    assert error["element_id"] == "@cadastre" and "'cadastre'" in error["message"]
    group = commune_bpmn(officer="@civil_status", groups='camunda:candidateGroups="@land"')
    [error] = _errors(admin.post("/api/v1/procedures/CX.2/versions", data=group,
                                 content_type="application/xml"))
    assert error["element_id"] == "Task_Verify" and "'land'" in error["message"]
    assert admin.get("/api/v1/procedures/CX.2/versions").get_json()["total"] == 0


def _move(caller, code, unit, reason="gửi nhầm xã"):
    return caller.post(f"{URL}/{code}/handling-unit", json={"unit": unit, "reason": reason})


def test_moving_a_dossier_moves_its_open_steps(communes):
    people = communes
    opened = _opened(people["desk_a"], "XA")
    code = opened["code"]
    _do(people["desk_a"], _task(people["desk_a"], code, "Task_Check")["id"], CHECK)
    verify = _task(people["tp_a"], code, "Task_Verify")
    assert people["tp_a"].post(f"/api/v1/tasks/{verify['id']}/claim").status_code == 200
    assert _move(people["desk_a"], code, "XB").status_code == 403  # not a leader
    assert _move(people["ld_b"], code, "XB").status_code == 404  # cannot see it
    assert "civil_status" in str(_errors(_move(people["ld_a"], code, "XC")))
    assert "not under" in str(_errors(_move(people["ld_a"], code, "ELSEWHERE")))
    before = people["ld_a"].get(f"{URL}/{code}").get_json()["revision"]

    moved = _move(people["ld_a"], code, "XB")
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert (body["handling_unit"], body["receiving_unit"]) == ("XB", "XA.MC")
    assert body["revision"] > before
    [task] = body["tasks"]
    assert (task["id"], task["candidate_groups"], task["assignee"]) == (
        verify["id"], ["XB.TP"], None)
    for name in ("tp_a", "ld_a"):  # the old commune loses sight
        assert people[name].get(f"{URL}/{code}").status_code == 404
        assert people[name].get(f"/api/v1/tasks/{verify['id']}").status_code == 404
    assert people["desk_a"].get(f"{URL}/{code}").status_code == 200  # it received it
    history = people["tp_b"].get(f"{URL}/{code}/history").get_json()
    [event] = [e for e in history if e["type"] == "dossier.moved"]
    assert (event["actor"], event["detail"]["from"], event["detail"]["to"],
            event["detail"]["reason"]) == ("ld_a", "XA", "XB", "gửi nhầm xã")
    _do(people["tp_b"], verify["id"], VERIFY)
    assert _task(people["ld_b"], code, "Task_Sign")["candidate_groups"] == ["XB.LD"]


def test_moving_needs_the_handling_units_leader_and_an_open_dossier(communes):
    people = communes
    code = _opened(people["desk_c"], "XB")["code"]
    assert people["ld_cdesk"].get(f"{URL}/{code}").status_code == 200  # the desk's leader
    assert _move(people["ld_cdesk"], code, "XA").status_code == 403
    assert _move(people["ld_p"], code, "XA").status_code == 200  # the province above
    withdrawn = people["desk_c"].post(f"{URL}/{code}/withdraw", json={"reason": "rút"})
    assert withdrawn.status_code == 200
    assert _move(people["ld_a"], code, "XB").status_code == 409


def test_the_ladder_reaches_the_handling_communes_leader(communes, admin_ctx):
    people = communes
    code = _opened(people["desk_c"], "XB")["code"]  # Friday 24 April 09:00, due Tue 09:00
    _do(people["desk_c"], _task(people["desk_c"], code, "Task_Check")["id"], CHECK)
    verify = _task(people["tp_b"], code, "Task_Verify")  # 2h
    assert people["tp_b"].post(f"/api/v1/tasks/{verify['id']}/claim").status_code == 200
    people["admin"].post("/api/v1/admin/clock", json={"now": "2026-04-28T09:30:00+07:00"})
    assert run_once(admin_ctx) >= 2

    def types(name):
        items = people[name].get("/api/v1/notifications").get_json()["items"]
        return sorted(n["type"] for n in items if n["dossier_code"] == code)
    assert types("ld_b") == ["dossier.overdue", "task.overdue"]
    assert types("sup_b") == ["dossier.overdue"]
    for name in ("ld_a", "ld_p", "ld_cdesk"):
        assert types(name) == []


@pytest.fixture
def communes(app, login_as, admin_ctx):
    return deploy(login_as)
