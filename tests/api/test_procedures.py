"""Creating procedures and deploying versions, including hostile diagrams:
each refusal is a clear problem+json and stores nothing."""
import io
import json
from dataclasses import replace

import pytest

from .conftest_data import BH, FORMS, minimal_bpmn

PROC = {"code": "TEST.1", "name": "Thủ tục thử", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 3, "unit": "working_days"}}


@pytest.fixture
def designer(demo, login_as):
    designer = login_as("designer")
    assert designer.post("/api/v1/procedures", json=PROC).status_code == 201
    return designer


def _deploy(designer, xml: bytes, forms=()):
    if not forms:
        return designer.post("/api/v1/procedures/TEST.1/versions", data=xml,
                             content_type="application/xml")
    files = {"file": (io.BytesIO(xml), "d.bpmn"),
             "forms": [(io.BytesIO(json.dumps(f).encode()), f"{f['id']}.json") for f in forms]}
    return designer.post("/api/v1/procedures/TEST.1/versions", data=files,
                         content_type="multipart/form-data")


def _nothing_stored(designer, login_as):
    assert designer.get("/api/v1/procedures/TEST.1/versions").get_json()["items"] == []
    assert designer.get("/api/v1/procedures/TEST.1").get_json()["active_version"] is None


def _problems(response, status=422):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)
    return response.get_json()["errors"]


def test_deploy_multipart_with_forms(designer):
    response = _deploy(designer, BH.read_bytes(), FORMS)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["version"] == 1 and body["process_id"] == "business_household"
    assert len(body["checksum"]) == 64
    version = designer.get("/api/v1/procedures/TEST.1/versions/1").get_json()
    tasks = {t["element_id"]: t for t in version["user_tasks"]}
    assert tasks["Task_Check"] == {
        "element_id": "Task_Check", "name": "Tiếp nhận, kiểm tra hồ sơ", "lane": "@desk",
        "candidate_groups": ["@desk"], "form_key": "reception-check", "allotment": "4h",
        "lifecycle": None}
    assert version["forms"] == ["leader-approval", "reception-check", "specialist-review"]
    xml = designer.get("/api/v1/procedures/TEST.1/versions/1/bpmn")
    assert xml.data == BH.read_bytes() and xml.mimetype == "application/xml"
    # a later version may rely on forms deployed earlier for the procedure
    assert _deploy(designer, BH.read_bytes()).status_code == 201
    assert [v["version"] for v in designer.get(
        "/api/v1/procedures/TEST.1/versions").get_json()["items"]] == [1, 2]


def test_missing_form_and_unknown_lane_are_422(designer, login_as):
    errors = _problems(_deploy(designer, BH.read_bytes()))
    assert {"element_id": "Task_Check", "line": 34,
            "message": "form 'reception-check' is not uploaded"} in errors
    xml = BH.read_bytes().replace(b'name="@leader"', b'name="Phong Khong Ton Tai"')
    errors = _problems(_deploy(designer, xml, FORMS))
    assert any("Phong Khong Ton Tai" in e["message"] for e in errors)
    _nothing_stored(designer, login_as)


@pytest.mark.parametrize("name, xml, needle", [
    ("xxe", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            b'id="D"><bpmn:process id="p">&x;</bpmn:process></bpmn:definitions>', "DOCTYPE"),
    ("bomb", b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
             + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                       else b"&lol;") * 10)
                        for i in range(1, 10))
             + b']><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
               b' id="D">&lol9;</bpmn:definitions>', "DOCTYPE"),
    ("malformed", b"<bpmn:definitions", "line"),
    ("not bpmn", b"<html/>", "definitions"),
])
def test_hostile_or_broken_xml_is_refused(designer, login_as, name, xml, needle):
    errors = _problems(_deploy(designer, xml))
    assert any(needle.lower() in json.dumps(e).lower() for e in errors), errors
    assert "root:" not in json.dumps(errors)  # /etc/passwd never read into a message
    _nothing_stored(designer, login_as)


@pytest.mark.parametrize("script", ["import os\nos.system('true')", "x = __import__('os')",
                                    "open('/etc/passwd').read()"])
def test_script_with_dangerous_code_is_refused(designer, login_as, script):
    errors = _problems(_deploy(designer, minimal_bpmn(script=script)))
    assert any(e["element_id"] == "Script_1" for e in errors), errors
    _nothing_stored(designer, login_as)


def test_oversize_diagram_is_413(designer, login_as, app):
    app.config["SETTINGS"] = replace(app.config["SETTINGS"], max_diagram_bytes=10_000)
    xml = minimal_bpmn().replace(b"<bpmn:process", b"<!--" + b"x" * 20_000 + b"-->"
                                 b"<bpmn:process", 1)
    response = designer.post("/api/v1/procedures/TEST.1/versions", data=xml,
                             content_type="application/xml")
    _problems(response, 413)
    _nothing_stored(designer, login_as)


def test_only_designers_deploy(designer, login_as):
    officer = login_as("officer")
    response = officer.post("/api/v1/procedures/TEST.1/versions", data=minimal_bpmn(),
                            content_type="application/xml")
    assert response.status_code == 403
    assert officer.post("/api/v1/procedures", json={**PROC, "code": "X"}).status_code == 403
    _nothing_stored(designer, login_as)


def test_procedure_input_errors(designer):
    response = designer.post("/api/v1/procedures", json={**PROC, "code": "TEST.2",
                                                         "statutory_time": {"value": 0}})
    fields = {e["field"] for e in _problems(response)}
    assert fields == {"statutory_time.value", "statutory_time.unit"}
    assert designer.post("/api/v1/procedures", json=PROC).status_code == 409
    assert designer.get("/api/v1/procedures/NOPE").status_code == 404
    assert designer.post("/api/v1/procedures/TEST.1/versions", data=b"{}",
                         content_type="application/json").status_code == 400


def test_escalation_policy_is_validated(designer):
    bad = {**PROC, "code": "TEST.3", "details": {"fee": 0, "escalation": {
        "remind_at": 2, "escalate_after": "PT1H"}}}
    fields = {e["field"] for e in _problems(designer.post("/api/v1/procedures", json=bad))}
    assert fields == {"details.escalation.remind_at", "details.escalation.escalate_after"}
    good = {**PROC, "code": "TEST.4", "details": {"fee": 0, "escalation": {
        "remind_at": 0.5, "escalate_after": "2h"}}}
    response = designer.post("/api/v1/procedures", json=good)
    assert response.status_code == 201
    assert response.get_json()["details"] == good["details"]


def test_allotments_must_fit_the_statutory_time(designer, login_as):
    designer.post("/api/v1/procedures", json={**PROC, "code": "TEST.5",
                                              "statutory_time": {"value": 2,
                                                                 "unit": "working_days"}})
    response = designer.post("/api/v1/procedures/TEST.5/versions",
                             data={"file": (io.BytesIO(BH.read_bytes()), "d.bpmn"),
                                   "forms": [(io.BytesIO(json.dumps(f).encode()), "f.json")
                                             for f in FORMS]},
                             content_type="multipart/form-data")
    [error] = _problems(response)
    assert error["element_id"] == "business_household"
    assert "20 working hours, more than the statutory 16" in error["message"]
