"""A small two-level province built over the API for the handling-unit tests:
province TINH; communes XA and XB, each with a desk, a civil status section and
leaders; commune XC with a desk and leaders only (no civil status); a unit
ELSEWHERE outside the province; and a commune-level procedure whose diagram
names `@desk`, `@civil_status` and `@leader` lanes, deployed once."""
PROCEDURE = "CX.1"
PASSWORD = "commune-pass-1"
UNITS = [  # code, parent, agency code, function
    ("TINH", None, "000.00.00.T99", None),
    ("ELSEWHERE", None, "000.00.00.T98", None),
    ("XA", "TINH", "000.21.01.T99", None), ("XA.MC", "XA", None, "desk"),
    ("XA.TP", "XA", None, "civil_status"), ("XA.LD", "XA", None, "leader"),
    ("XB", "TINH", "000.21.02.T99", None), ("XB.MC", "XB", None, "desk"),
    ("XB.TP", "XB", None, "civil_status"), ("XB.LD", "XB", None, "leader"),
    ("XC", "TINH", "000.21.03.T99", None), ("XC.MC", "XC", None, "desk"),
    ("XC.LD", "XC", None, "leader"),
]
USERS = {  # username: roles, units
    "desk_a": (["reception"], ["XA.MC"]), "tp_a": (["officer"], ["XA.TP"]),
    "ld_a": (["leader"], ["XA", "XA.LD"]),
    "desk_b": (["reception"], ["XB.MC"]), "tp_b": (["officer"], ["XB.TP"]),
    "ld_b": (["leader"], ["XB", "XB.LD"]), "sup_b": (["supervisor"], ["XB"]),
    "desk_c": (["reception"], ["XC.MC"]), "ld_c": (["leader"], ["XC", "XC.LD"]),
    "ld_cdesk": (["leader"], ["XC.MC"]),
    "ld_p": (["leader", "supervisor"], ["TINH"]),
}


def commune_bpmn(desk="@desk", officer="@civil_status", leader="@leader", groups="") -> bytes:
    """Check at the receiving desk, verify (2h) by civil status, sign by a leader."""
    lanes = [("Lane_Desk", desk, "Start_1", "Task_Check"),
             ("Lane_Officer", officer, "Task_Verify"),
             ("Lane_Leader", leader, "Task_Sign", "End_1")]
    lane_xml = "".join(
        f'<bpmn:lane id="{lane_id}" name="{name}">'
        + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs)
        + "</bpmn:lane>" for lane_id, name, *refs in lanes)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_Commune"
    targetNamespace="http://motcua.vn/test">
  <bpmn:process id="commune" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">{lane_xml}</bpmn:laneSet>
    <bpmn:startEvent id="Start_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="Check"><bpmn:incoming>F1</bpmn:incoming>
      <bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="Task_Verify" name="Verify" {groups}>
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="allotment" value="2h"/></camunda:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="Task_Sign" name="Sign"><bpmn:incoming>F3</bpmn:incoming>
      <bpmn:outgoing>F4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Task_Check"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="Task_Verify"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Verify" targetRef="Task_Sign"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Task_Sign" targetRef="End_1"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def deploy(login_as) -> dict:
    """Build the province, its people and the procedure; the logged-in callers
    by username (and `admin`)."""
    admin = login_as("admin")
    for code, parent, agency_code, function in UNITS:
        response = admin.post("/api/v1/units", json={
            "code": code, "name": code, "parent": parent, "agency_code": agency_code,
            "function": function})
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["function"] == function
    for username, (roles, units) in USERS.items():
        response = admin.post("/api/v1/users", json={
            "username": username, "password": PASSWORD, "roles": roles, "units": units})
        assert response.status_code == 201, response.get_json()
    response = admin.post("/api/v1/procedures", json={
        "code": PROCEDURE, "name": "Đăng ký khai sinh (xã)", "agency": "TINH",
        "level": "commune", "statutory_time": {"value": 1, "unit": "working_days"}})
    assert response.status_code == 201, response.get_json()
    response = admin.post(f"/api/v1/procedures/{PROCEDURE}/versions", data=commune_bpmn(),
                          content_type="application/xml")
    assert response.status_code == 201, response.get_json()
    callers = {name: login_as(name, PASSWORD) for name in USERS}
    return {**callers, "admin": admin}
