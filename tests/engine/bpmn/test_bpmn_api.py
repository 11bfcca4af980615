"""The package boundary: exact exports, plain values only, copies of data."""
import dataclasses
import json
from pathlib import Path

import engine.bpmn as bpmn
from engine.bpmn import Instance, compile_diagram, load_spec

DIAGRAM = (Path(__file__).parent / "diagrams" / "three_lanes.bpmn").read_bytes()


def test_exports():
    assert sorted(bpmn.__all__) == sorted([
        "CompiledDiagram", "DiagramRejected", "Instance", "Problem", "ScriptFailed",
        "SpecHandle", "TaskNotReady", "TaskView", "TimerView", "UserTaskSpec",
        "compile_diagram", "duration_after", "load_spec", "use_clock"])


def test_values_are_frozen_plain_data():
    compiled = compile_diagram(DIAGRAM)
    assert compiled.checksum == __import__("hashlib").sha256(DIAGRAM).hexdigest()
    json.dumps(dataclasses.asdict(compiled))  # nothing but plain values inside
    handle = load_spec(compiled.checksum, compiled.spec_json)
    inst = Instance.start(handle, {"area": 1, "history": []})
    inst.run()
    [view] = inst.ready_tasks()
    json.dumps(dataclasses.asdict(view))
    assert dataclasses.is_dataclass(view) and view.__dataclass_params__.frozen


def test_data_handed_out_or_in_is_copied():
    compiled = compile_diagram(DIAGRAM)
    start = {"area": 1, "history": []}
    inst = Instance.start(load_spec(compiled.checksum, compiled.spec_json), start)
    inst.run()
    [view] = inst.ready_tasks()
    view.data["history"].append("tampered")
    inst.data["history"].append("tampered")
    assert start["history"] == [] and inst.ready_tasks()[0].data["history"] == []
