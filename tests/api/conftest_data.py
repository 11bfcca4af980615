"""Diagrams and forms used by the API tests."""
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
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="SKHDT.DKKD">
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
