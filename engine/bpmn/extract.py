"""Facts about human tasks and lanes, read from the diagram's XML.

The platform routes work by lane (lane names are unit codes), candidate
groups, form keys and step allotments.  This module reads them from the
Camunda attributes and properties that Camunda Modeler writes, falling back
to SpiffWorkflow's own `spiffworkflow:property` extensions and then to the
lane, and returns them as plain `UserTaskSpec` values in document order.
"""
from __future__ import annotations

from .views import Problem, UserTaskSpec
from .xml import CAMUNDA_NS, NSMAP, bpmn

HUMAN_TASKS = (bpmn("userTask"), bpmn("manualTask"))
_SUBPROCESS_TAGS = {bpmn("subProcess"), bpmn("transaction"), bpmn("adHocSubProcess")}


def lane_map(processes) -> dict[str, str]:
    """Flow node id -> lane name; inner lanes win, as in SpiffWorkflow."""
    lanes = {}
    for process in processes:
        for ref in process.iter(bpmn("flowNodeRef")):
            name = (ref.getparent().get("name") or "").strip()
            if ref.text and name:
                lanes[ref.text.strip()] = name
    return lanes


def lanes_and_warnings(processes) -> tuple[tuple[str, ...], list[Problem]]:
    """Lane names in document order (once each) and warnings about lanes."""
    names, warnings = [], []
    for process in processes:
        for lane in process.iter(bpmn("lane")):
            name = (lane.get("name") or "").strip()
            if not name:
                warnings.append(Problem(lane.get("id"), lane.sourceline,
                                        f"lane '{lane.get('id')}' has no name"))
            elif name not in names:
                names.append(name)
            if lane.find(bpmn("flowNodeRef")) is None:
                warnings.append(Problem(lane.get("id"), lane.sourceline,
                                        f"lane '{name or lane.get('id')}' has no tasks"))
    return tuple(names), warnings


def flows(processes) -> tuple[tuple[str, str], ...]:
    """Sequence flows, and each boundary event hanging off its activity."""
    found = []
    for process in processes:
        found += [(flow.get("sourceRef"), flow.get("targetRef"))
                  for flow in process.iter(bpmn("sequenceFlow"))]
        found += [(event.get("attachedToRef"), event.get("id"))
                  for event in process.iter(bpmn("boundaryEvent"))]
    return tuple(found)


def user_tasks(processes) -> tuple[UserTaskSpec, ...]:
    lanes = lane_map(processes)
    found = []
    for process in processes:
        for task in process.iter(*HUMAN_TASKS):
            found.append(_user_task(task, _lane_of(task, lanes)))
    return tuple(found)


def _lane_of(task, lanes: dict[str, str]) -> str | None:
    if task.get("id") in lanes:
        return lanes[task.get("id")]
    # Tasks inside a sub-process inherit the sub-process's lane.
    for ancestor in task.iterancestors(*_SUBPROCESS_TAGS):
        if ancestor.get("id") in lanes:
            return lanes[ancestor.get("id")]
    return None


def _user_task(task, lane: str | None) -> UserTaskSpec:
    spiff, camunda = _properties(task, "spiffworkflow"), _properties(task, "camunda")
    return UserTaskSpec(
        element_id=task.get("id"),
        name=task.get("name") or "",
        lane=lane,
        candidate_groups=_candidate_groups(task, spiff, lane),
        form_key=task.get(f"{{{CAMUNDA_NS}}}formKey") or spiff.get("formKey"),
        allotment=camunda.get("allotment") or spiff.get("allotment"),
        line=task.sourceline,
        lifecycle=camunda.get("lifecycle") or spiff.get("lifecycle"),
    )


def _candidate_groups(task, spiff: dict, lane: str | None) -> tuple[str, ...]:
    for text in (task.get(f"{{{CAMUNDA_NS}}}candidateGroups"), spiff.get("candidateGroups")):
        groups = tuple(g.strip() for g in (text or "").split(",") if g.strip())
        if groups:
            return groups
    return (lane,) if lane else ()


def _properties(task, prefix: str) -> dict[str, str]:
    path = f"./bpmn:extensionElements/{prefix}:properties/{prefix}:property"
    return {p.get("name"): p.get("value") for p in task.xpath(path, namespaces=NSMAP)
            if p.get("name")}
