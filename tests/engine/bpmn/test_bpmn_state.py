"""Instance state is stored without the spec, restores, and migrates.

Size, measured on the three-lane diagram with two parallel tasks open
(see test_dump_is_much_smaller_than_the_stock_serialization): the dump is
about 7.7 KB against 15 KB for the stock `serialize_json` of the same
workflow, whose embedded spec alone is ~7.3 KB of JSON.
"""
import json
from pathlib import Path

import pytest

from engine.bpmn import Instance, SpecHandle, compile_diagram, load_spec
from engine.bpmn.serializer import full_state_json
from engine.bpmn.specs import CACHE_SIZE, clear_spec_cache

DIAGRAM = (Path(__file__).parent / "diagrams" / "three_lanes.bpmn").read_bytes()


@pytest.fixture(scope="module")
def compiled():
    return compile_diagram(DIAGRAM)


def at_parallel_split(handle) -> Instance:
    inst = Instance.start(handle, {"area": 150, "history": []})
    inst.run()
    for data in ({}, {"decision": "approve"}):
        [task] = inst.ready_tasks()
        inst.complete(task.id, data)
        inst.run()
    return inst


def test_spec_json_is_versioned(compiled):
    spec = json.loads(compiled.spec_json)
    assert spec["serializer_version"] == "1.5"
    assert spec["spec"]["name"] == "CapPhep"


def test_dump_has_no_spec_and_restores(compiled):
    handle = load_spec(compiled.checksum, compiled.spec_json)
    inst = at_parallel_split(handle)
    state = json.loads(inst.dump())
    assert "spec" not in state and "subprocess_specs" not in state
    assert state["serializer_version"] == "1.5"
    restored = Instance.load(handle, inst.dump())
    assert restored.ready_tasks() == inst.ready_tasks()
    assert restored.data == inst.data
    assert restored.dump() == inst.dump()


def test_dump_is_much_smaller_than_the_stock_serialization(compiled):
    inst = at_parallel_split(load_spec(compiled.checksum, compiled.spec_json))
    ours, stock = len(inst.dump()), len(full_state_json(inst._wf))
    assert ours < 0.6 * stock, (ours, stock)


def test_older_states_are_migrated_on_load(compiled):
    handle = load_spec(compiled.checksum, compiled.spec_json)
    inst = at_parallel_split(handle)
    state = json.loads(inst.dump())
    state["serializer_version"] = "1.4"  # 1.4 -> 1.5 only touches event gateways
    restored = Instance.load(handle, json.dumps(state))
    assert [t.element_id for t in restored.ready_tasks()] == ["Approve", "PrepareResult"]
    assert json.loads(restored.dump())["serializer_version"] == "1.5"


def test_load_spec_caches_by_key(compiled):
    clear_spec_cache()
    first = load_spec("v1", compiled.spec_json)
    assert isinstance(first, SpecHandle)
    # A cache hit must not even look at the JSON.
    assert load_spec("v1", "not json at all") is first
    assert load_spec("v2", compiled.spec_json) is not first


def test_load_spec_cache_is_bounded(compiled):
    clear_spec_cache()
    first = load_spec("k0", compiled.spec_json)
    for n in range(1, CACHE_SIZE + 1):
        load_spec(f"k{n}", compiled.spec_json)
    assert load_spec("k0", compiled.spec_json) is not first  # evicted, parsed again
