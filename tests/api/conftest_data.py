"""Diagrams and forms used by the API tests."""
import io
import json
from pathlib import Path

PROCESSES = Path(__file__).resolve().parent.parent.parent / "processes"
BH = PROCESSES / "business-household" / "business-household.bpmn"
FORMS = [json.loads(p.read_text(encoding="utf-8"))
         for p in sorted((BH.parent / "forms").glob("*.json"))]


def minimal_bpmn(script: str = "x = 1") -> bytes:
    """A one-lane process: start, a script task, a user task, end."""
    from xml.sax.saxutils import escape
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_Min"
    targetNamespace="http://motcua.vn/test">
  <bpmn:process id="minimal" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="UBND.PHUHOI.KT">
      <bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Script_1</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Task_1</bpmn:flowNodeRef><bpmn:flowNodeRef>End_1</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="Script_1" scriptFormat="python"><bpmn:incoming>F1</bpmn:incoming>
      <bpmn:outgoing>F2</bpmn:outgoing><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="Task_1" name="Review"><bpmn:incoming>F2</bpmn:incoming>
      <bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Script_1"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Script_1" targetRef="Task_1"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_1" targetRef="End_1"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def boundary_bpmn(duration: str = "PT2S", kind: str = "timeDuration") -> bytes:
    """A specialist's step with an interrupting boundary timer that hands the
    dossier to the leaders' lane when it fires (a bare ISO literal, as modelers
    write it)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_Timer"
    targetNamespace="http://motcua.vn/test">
  <bpmn:process id="timed" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_Spec" name="UBND.PHUHOI.KT"><bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Handle</bpmn:flowNodeRef><bpmn:flowNodeRef>Done</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Late</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="Lane_Lead" name="UBND.PHUHOI.LD">
        <bpmn:flowNodeRef>Task_Escalated</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Escalated_End</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Start_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Handle" name="Handle"><bpmn:incoming>F1</bpmn:incoming>
      <bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="Done"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="Late" attachedToRef="Task_Handle"><bpmn:outgoing>F3</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDef"><bpmn:{kind}>{duration}</bpmn:{kind}>
      </bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:userTask id="Task_Escalated" name="Handle the late dossier">
      <bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="Escalated_End"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Task_Handle"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Handle" targetRef="Done"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Late" targetRef="Task_Escalated"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Task_Escalated" targetRef="Escalated_End"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def deploy_timed(designer, code="TIMED.1", duration="PT2S", kind="timeDuration"):
    designer.post("/api/v1/procedures", json={
        "code": code, "name": "Timed", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    response = designer.post(f"/api/v1/procedures/{code}/versions",
                             data=boundary_bpmn(duration, kind), content_type="application/xml")
    assert response.status_code == 201, response.get_json()
    return code


def incident_and_timer_bpmn() -> bytes:
    """Two parallel branches: a script that fails, and a two-second timer
    before a user task; they join before the end."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_Par"
    targetNamespace="http://motcua.vn/test">
  <bpmn:process id="parallel_incident" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="UBND.PHUHOI.KT">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Split</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Bad</bpmn:flowNodeRef><bpmn:flowNodeRef>Wait</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>T2</bpmn:flowNodeRef><bpmn:flowNodeRef>Join</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>End_1</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="Split"><bpmn:incoming>F1</bpmn:incoming>
      <bpmn:outgoing>F2</bpmn:outgoing><bpmn:outgoing>F3</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:scriptTask id="Bad" scriptFormat="python"><bpmn:incoming>F2</bpmn:incoming>
      <bpmn:outgoing>F4</bpmn:outgoing><bpmn:script>fee = base_fee * 2</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="Wait"><bpmn:incoming>F3</bpmn:incoming>
      <bpmn:outgoing>F5</bpmn:outgoing><bpmn:timerEventDefinition id="TD">
      <bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="T2" name="Second"><bpmn:incoming>F5</bpmn:incoming>
      <bpmn:outgoing>F6</bpmn:outgoing></bpmn:userTask>
    <bpmn:parallelGateway id="Join"><bpmn:incoming>F4</bpmn:incoming>
      <bpmn:incoming>F6</bpmn:incoming><bpmn:outgoing>F7</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:endEvent id="End_1"><bpmn:incoming>F7</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Split"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Bad"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Wait"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Bad" targetRef="Join"/>
    <bpmn:sequenceFlow id="F5" sourceRef="Wait" targetRef="T2"/>
    <bpmn:sequenceFlow id="F6" sourceRef="T2" targetRef="Join"/>
    <bpmn:sequenceFlow id="F7" sourceRef="Join" targetRef="End_1"/>
  </bpmn:process>
</bpmn:definitions>"""


def create_and_deploy(designer, code, xml=None, forms=None, **fields):
    """A catalogue entry (agency UBND.PHUHOI, 3 working days, unless `fields` say
    otherwise) with one version: by default the business-household diagram."""
    entry = {"code": code, "name": code, "agency": "UBND.PHUHOI",
             "statutory_time": {"value": 3, "unit": "working_days"}, **fields}
    created = designer.post("/api/v1/procedures", json=entry)
    assert created.status_code == 201, created.get_json()
    files = {"file": (io.BytesIO(xml or BH.read_bytes()), "d.bpmn"),
             "forms": [(io.BytesIO(json.dumps(f).encode()), f"{f['id']}.json")
                       for f in (FORMS if forms is None else forms)]}
    deployed = designer.post(f"/api/v1/procedures/{code}/versions", data=files,
                             content_type="multipart/form-data")
    assert deployed.status_code == 201, deployed.get_json()
    return code
