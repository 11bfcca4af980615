"""Structural checks of a diagram that SpiffWorkflow would miss or fail on.

XSD-valid is not runnable: SpiffWorkflow silently drops unreachable
elements, refuses implicit parallel splits late, and crashes on some
descriptive shortcuts.  This module walks the lxml tree of the executable
processes and reports each such finding as a Problem with the element id and
source line, so a designer sees all of them at once.  It also chooses the
entry point (one process, or one collaboration) that dossiers will run.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .views import Problem
from .xml import CAMUNDA_NS, bpmn

GATEWAYS = {bpmn(t) for t in (
    "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "eventBasedGateway", "complexGateway")}
ACTIVITIES = {bpmn(t) for t in (
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask",
    "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "transaction", "adHocSubProcess")}
EVENTS = {bpmn(t) for t in (
    "startEvent", "endEvent", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent")}
FLOW_NODES = GATEWAYS | ACTIVITIES | EVENTS
SUB_PROCESSES = {bpmn("subProcess"), bpmn("transaction")}
RESERVED_IDS = {"Start", "End", "Root", "StartEventSplit", "StartEventJoin"}
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin")
# What the platform copies into every dossier's rows is bounded like the
# columns holding it: task names 500 characters, element ids and form keys 255.
MAX_NAME, MAX_ID = 500, 255
BOUNDED = (("id", "id", MAX_ID), ("name", "name", MAX_NAME),
           (f"{{{CAMUNDA_NS}}}formKey", "form key", MAX_ID))


@dataclass(frozen=True)
class Entry:
    """What dossiers run: a process id, or a collaboration id."""

    element_id: str
    name: str | None
    is_collaboration: bool


def problem(element, message: str) -> Problem:
    return Problem(element.get("id"), element.sourceline, message)


def is_executable(process) -> bool:
    # SpiffWorkflow's own rule: missing means executable, only "true" counts.
    return process.get("isExecutable", "true") == "true"


def choose_entry(root) -> tuple[Entry | None, list[Problem]]:
    """Pick the executable process (or collaboration) dossiers will run."""
    executable = [p for p in root.iterchildren(bpmn("process")) if is_executable(p)]
    if not executable:
        message = 'the file has no executable process (all are isExecutable="false")'
        return None, [Problem(root.get("id"), root.sourceline, message)]
    # Processes only reached through a call activity are not entry points.
    called = {c.get("calledElement") for p in executable for c in p.iter(bpmn("callActivity"))}
    for candidates in (executable, [p for p in executable if p.get("id") not in called],
                       [p for p in executable if p.find(bpmn("startEvent")) is not None]):
        if len(candidates) == 1:
            return _process_entry(candidates[0]), []
    collaborations = list(root.iterchildren(bpmn("collaboration")))
    if len(collaborations) == 1:
        collab = collaborations[0]
        return Entry(collab.get("id"), collab.get("name"), True), []
    ids = ", ".join(p.get("id") for p in executable)
    message = (f"the file has {len(executable)} executable processes ({ids}); mark all "
               "but one isExecutable=\"false\" or put them in one collaboration")
    return None, [Problem(root.get("id"), root.sourceline, message)]


def _process_entry(process) -> Entry:
    return Entry(process.get("id"), process.get("name"), False)


def used_processes(root, entry: Entry | None) -> list:
    """The executable processes dossiers can reach from `entry`, in document
    order: the entry (or the collaboration's participants) and every process
    they call.  Without an entry: every executable process."""
    executable = {p.get("id"): p for p in root.iterchildren(bpmn("process")) if is_executable(p)}
    if entry is None:
        return list(executable.values())
    if entry.is_collaboration:
        collab = root.find(f"{bpmn('collaboration')}[@id='{entry.element_id}']")
        queue = [p.get("processRef") for p in collab.iter(bpmn("participant"))]
    else:
        queue = [entry.element_id]
    used = set()
    while queue:
        process_id = queue.pop()
        if process_id in executable and process_id not in used:
            used.add(process_id)
            calls = executable[process_id].iter(bpmn("callActivity"))
            queue += [c.get("calledElement") for c in calls]
    return [p for pid, p in executable.items() if pid in used]


def lint_processes(root, processes) -> list[Problem]:
    """Every structural problem of the given top-level processes."""
    found = _lint_document(root)
    for process in processes:
        found += _lint_scope(process)
    return found


def _lint_document(root) -> list[Problem]:
    found = _over_long(root)
    for message in root.iter(bpmn("message")):
        if not (message.get("name") or "").strip():
            found.append(problem(message, f"message '{message.get('id')}' has no name"))
    for tag in ("dataStore", "dataStoreReference"):
        for store in root.iter(bpmn(tag)):
            found.append(problem(store, f"data stores are not supported (bpmn:{tag})"))
    return found


def _over_long(root) -> list[Problem]:
    found = []
    for element in root.iter(etree.Element):
        for attribute, label, limit in BOUNDED:
            value = element.get(attribute) or ""
            if len(value) > limit:
                element_id = element.get("id") or ""
                if len(element_id) > MAX_ID:  # never echo a megabyte id back
                    element_id = element_id[:40] + "..."
                found.append(Problem(element_id or None, element.sourceline,
                                     f"the {label} of '{element_id}' is {len(value)} characters "
                                     f"long; {limit} at most"))
    return found


def _flow_nodes(scope) -> list:
    return [child for child in scope if child.tag in FLOW_NODES]


def _lint_scope(scope) -> list[Problem]:
    """Checks of one process or sub-process, then of its sub-processes."""
    nodes = _flow_nodes(scope)
    flows = list(scope.iterchildren(bpmn("sequenceFlow")))
    found = []
    for node in nodes:
        found += _lint_node(node, flows)
    found += _unreachable(scope, nodes, flows)
    for node in nodes:
        if node.tag in SUB_PROCESSES and node.get("triggeredByEvent") != "true":
            found += _lint_sub_process_start(node)
        if node.tag in SUB_PROCESSES or node.tag == bpmn("adHocSubProcess"):
            found += _lint_scope(node)
    return found


def _lint_node(node, flows) -> list[Problem]:
    node_id = node.get("id") or ""
    found = []
    if node_id in RESERVED_IDS or node_id.endswith(RESERVED_SUFFIXES):
        found.append(problem(node, f"the id '{node_id}' is reserved by the workflow engine; "
                                   "rename it"))
    outgoing = [f for f in flows if node_id and f.get("sourceRef") == node_id]
    splits = node.tag in GATEWAYS or node.tag == bpmn("startEvent")
    if len(outgoing) > 1 and not splits:
        found.append(problem(node, f"'{node_id}' has {len(outgoing)} outgoing sequence flows; "
                                   "use a parallel gateway to split the flow"))
    if node.tag in (bpmn("exclusiveGateway"), bpmn("inclusiveGateway")) and len(outgoing) > 1:
        found += _unconditioned_flows(node, outgoing)
    if node.tag == bpmn("businessRuleTask"):
        found.append(problem(node, f"business rule task '{node_id}' is not supported (no DMN)"))
    if node.tag == bpmn("complexGateway"):
        found.append(problem(node, f"complex gateway '{node_id}' is not supported"))
    return found


def _unconditioned_flows(gateway, outgoing) -> list[Problem]:
    default = gateway.get("default")
    found = []
    for flow in outgoing:
        if flow.get("id") != default and flow.find(bpmn("conditionExpression")) is None:
            found.append(problem(flow, f"the flow '{flow.get('id')}' leaving gateway "
                                       f"'{gateway.get('id')}' has no condition "
                                       "and is not its default"))
    return found


def _lint_sub_process_start(sub) -> list[Problem]:
    starts = list(sub.iterchildren(bpmn("startEvent")))
    plain = [s for s in starts if not any(c.tag.endswith("EventDefinition") for c in s)]
    if len(starts) == 1 and len(plain) == 1:
        return []
    return [problem(sub, f"sub-process '{sub.get('id')}' must have exactly one start event "
                         f"without a trigger (it has {len(starts)} start event(s))")]


def _unreachable(scope, nodes, flows) -> list[Problem]:
    if scope.tag == bpmn("adHocSubProcess") or scope.get("triggeredByEvent") == "true":
        return []  # ad hoc and event sub-processes have no start paths to follow
    targets = {}
    for flow in flows:
        targets.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    attached = {}
    for node in nodes:
        if node.tag == bpmn("boundaryEvent"):
            attached.setdefault(node.get("attachedToRef"), []).append(node.get("id"))
    queue = [n.get("id") for n in nodes if _is_entry(n)]
    reached = set(queue)
    while queue:
        current = queue.pop()
        for nxt in targets.get(current, []) + attached.get(current, []):
            if nxt not in reached:
                reached.add(nxt)
                queue.append(nxt)
    return [problem(n, f"'{n.get('id')}' cannot be reached from a start event")
            for n in nodes if n.get("id") not in reached]


def _is_entry(node) -> bool:
    if node.tag == bpmn("startEvent") or node.get("triggeredByEvent") == "true":
        return True
    # A link catch is entered by its throw, not by a sequence flow.
    return node.tag == bpmn("intermediateCatchEvent") and \
        node.find(bpmn("linkEventDefinition")) is not None
