"""Camunda's generic form over the API: a step without a form takes a flat
object of scalars under variable names (422 naming each bad field, nothing
changed otherwise), and deploy warns about a condition reading a variable
that no form, generic step, script or start data sets."""
import io
import json

import pytest

from .conftest_data import minimal_bpmn
from .helpers import open_dossier, open_task

PROC = {"code": "GENERIC.1", "name": "Bước không có biểu mẫu", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 3, "unit": "working_days"}}
DECIDE = {"id": "decide", "type": "default", "components": [
    {"type": "checkbox", "key": "approved", "label": "Đồng ý"},
    {"type": "group", "components": [{"type": "textfield", "key": "reason", "label": "Lý do"}]}]}


def gateway_bpmn(condition: str, form_key: str | None = "decide") -> bytes:
    """Start, a deciding step (with `form_key`, or none), a gateway on `condition`."""
    form = f' camunda:formKey="{form_key}"' if form_key else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_Gw"
    targetNamespace="http://motcua.vn/test">
  <bpmn:process id="decide_gw" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="UBND.PHUHOI.KT">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Decide</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Gw_1</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Yes</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>End_No</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Decide" name="Quyết định"{form}>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:exclusiveGateway id="Gw_1" default="Flow_No"><bpmn:incoming>F2</bpmn:incoming>
      <bpmn:outgoing>Flow_Yes</bpmn:outgoing><bpmn:outgoing>Flow_No</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="End_Yes"><bpmn:incoming>Flow_Yes</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="End_No"><bpmn:incoming>Flow_No</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Task_Decide"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Decide" targetRef="Gw_1"/>
    <bpmn:sequenceFlow id="Flow_Yes" sourceRef="Gw_1" targetRef="End_Yes">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_No" sourceRef="Gw_1" targetRef="End_No"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


@pytest.fixture
def designer(demo, login_as):
    designer = login_as("designer")
    assert designer.post("/api/v1/procedures", json=PROC).status_code == 201
    return designer


def deploy(designer, xml: bytes, forms=()):
    url = f"/api/v1/procedures/{PROC['code']}/versions"
    if not forms:
        response = designer.post(url, data=xml, content_type="application/xml")
    else:
        response = designer.post(url, content_type="multipart/form-data", data={
            "file": (io.BytesIO(xml), "d.bpmn"),
            "forms": [(io.BytesIO(json.dumps(f).encode()), f"{f['id']}.json") for f in forms]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def formless_step(designer, login_as):
    """A dossier whose open step (Task_1) has no form, claimed by the officer."""
    deploy(designer, minimal_bpmn())
    officer = login_as("officer")
    code = open_dossier(login_as("reception"), PROC["code"])["code"]
    task = open_task(officer, code, "Task_1")
    assert officer.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    return officer, code, task


def test_a_step_without_a_form_takes_flat_scalars(formless_step):
    officer, code, task = formless_step
    data = {"approved": True, "note": "Đủ điều kiện", "copies": 2, "fee": 12.5, "ref": None}
    response = officer.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 200, response.get_json()
    dossier = officer.get(f"/api/v1/dossiers/{code}").get_json()
    assert dossier["status"] == "resolved"
    assert {key: dossier["data"][key] for key in data} == data


@pytest.mark.parametrize("data, fields", [
    ({"approved": True, "rows": [1, 2]}, ["rows"]),
    ({"who": {"name": "x"}, "1st": 1, "_hidden": 1}, ["1st", "_hidden", "who"]),
    ({"applicant": {"name": "forged"}, "dossier_code": "X", "channel": "online"},
     ["applicant", "channel", "dossier_code"]),
    ({"import": 1, "add_working_days": 1}, ["add_working_days", "import"]),
    ({"len": 1, "str": "x", "sorted": None}, ["len", "sorted", "str"]),  # scripts call these
    ({"note": "y" * 2_001, "k" * 65: 1}, ["k" * 65, "note"]),
    ({f"k{i}": i for i in range(51)}, ["data"]),
])
def test_bad_generic_data_is_422_naming_each_field(formless_step, data, fields):
    officer, code, task = formless_step
    before = officer.get(f"/api/v1/dossiers/{code}").get_json()
    response = officer.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == fields
    assert all(set(e) == {"field", "message"} and e["message"] for e in errors)
    assert officer.get(f"/api/v1/dossiers/{code}").get_json() == before  # nothing changed


def test_non_finite_numbers_are_refused(formless_step):
    officer, code, task = formless_step
    body = '{"data": {"fee": NaN, "limit": Infinity}}'  # Python's json reads these
    response = officer.post(f"/api/v1/tasks/{task['id']}/complete", data=body,
                            content_type="application/json")
    assert response.status_code == 400, response.get_json()  # not JSON: refused at the door
    assert [e["field"] for e in response.get_json()["errors"]] == ["data.fee", "data.limit"]
    assert officer.get(f"/api/v1/dossiers/{code}").get_json()["status"] != "resolved"


def test_deploy_warns_about_a_misspelled_variable(designer):
    body = deploy(designer, gateway_bpmn("aproved == True"), [DECIDE])
    assert body["warnings"] == [{
        "element_id": "Flow_Yes", "line": body["warnings"][0]["line"],
        "message": "reads 'aproved', which no form, generic step, script or start data sets"}]
    version = designer.get(f"/api/v1/procedures/{PROC['code']}/versions/1").get_json()
    assert version["warnings"] == body["warnings"]


@pytest.mark.parametrize("condition", [
    "approved == True", "reason != '' and approved",  # both set by the form (one in a group)
    "channel == 'online' and applicant['id_number']",  # start data
])
def test_no_warning_for_a_variable_something_sets(designer, condition):
    assert deploy(designer, gateway_bpmn(condition), [DECIDE])["warnings"] == []


def test_no_warning_when_a_generic_step_could_set_it(designer):
    assert deploy(designer, gateway_bpmn("aproved == True", form_key=None))["warnings"] == []
