"""Scripts run restricted and bounded, in worker processes the operating
system bounds (CPU, memory, wall time) with the size of what they store
bounded too; failures surface as ScriptFailed within seconds and leave the
instance usable."""
import functools
import json
import operator
import os.path
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from engine.bpmn import Instance, ScriptFailed, compile_diagram, load_spec
from engine.bpmn import sandbox
from engine.bpmn.sandbox import Bounds, LazyFunctions, ScriptRefused

DIAGRAMS = Path(__file__).parent / "diagrams"


@pytest.fixture(scope="module")
def loops():
    compiled = compile_diagram((DIAGRAMS / "loops.bpmn").read_bytes())
    return compiled, load_spec(compiled.checksum, compiled.spec_json)


def failure(instance) -> ScriptFailed:
    with pytest.raises(ScriptFailed) as info:
        instance.run()
    return info.value


def test_infinite_script_loop_is_stopped_and_instance_stays_usable(loops):
    _, handle = loops
    inst = Instance.start(handle, {"mode": "spin"})
    started = time.perf_counter()
    err = failure(inst)
    assert time.perf_counter() - started < 5
    assert err.element_id == "Spin" and err.message.startswith("ScriptTimeout: ")
    assert "Traceback" not in err.message
    restored = Instance.load(handle, inst.dump())  # an incident can be saved
    assert restored.ready_tasks() == [] and not restored.completed


def test_endless_bpmn_loop_is_bounded(loops):
    _, handle = loops
    inst = Instance.start(handle, {"mode": "count", "n": 0, "limit": 10**9})
    err = failure(inst)
    assert "automatic steps" in err.message


def test_bounded_bpmn_loop_finishes(loops, driver):
    run = driver("loops.bpmn").start({"mode": "count", "n": 0, "limit": 20})
    assert run.ready() == ["Review"] and run.inst.data["n"] == 20


def test_condition_error_names_the_gateway(loops):
    _, handle = loops
    err = failure(Instance.start(handle, {}))
    assert err.element_id == "Route"
    assert err.message == "NameError: name 'mode' is not defined"


@pytest.mark.parametrize("smuggled", [
    "import os\nos.system('touch /tmp/motcua-pwned')",
    "__import__('os').system('touch /tmp/motcua-pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/tmp/motcua-pwned', 'w').write('x')",
])
def test_code_smuggled_into_a_stored_spec_fails_without_effect(loops, smuggled):
    compiled, _ = loops
    tampered = compiled.spec_json.replace("n = n + 1", json.dumps(smuggled)[1:-1])
    handle = load_spec("tampered:" + smuggled, tampered)
    inst = Instance.start(handle, {"mode": "count", "n": 0, "limit": 1})
    err = failure(inst)
    assert err.element_id == "Count" and err.message.startswith("UnsafeCode: ")
    assert not os.path.exists("/tmp/motcua-pwned")


FUNCTIONS_BODY = """<bpmn:startEvent id="S"/>
<bpmn:scriptTask id="Plan"><bpmn:script>due = add_days(start, 2)
total = sum([len(x) for x in names])</bpmn:script></bpmn:scriptTask>
<bpmn:exclusiveGateway id="G" default="F_late"/>
<bpmn:userTask id="OnTime"/><bpmn:userTask id="Late"/>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Plan"/>
<bpmn:sequenceFlow id="F2" sourceRef="Plan" targetRef="G"/>
<bpmn:sequenceFlow id="F_ok" sourceRef="G" targetRef="OnTime">
  <bpmn:conditionExpression>is_short(due)</bpmn:conditionExpression>
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F_late" sourceRef="G" targetRef="Late"/>"""
# Helpers travel to the script worker by name: module-level callables only.
FUNCTIONS = {"add_days": operator.add, "is_short": functools.partial(operator.gt, 10)}


@pytest.fixture
def functions_handle(bpmn_doc):
    compiled = compile_diagram(bpmn_doc(FUNCTIONS_BODY))
    return load_spec(compiled.checksum, compiled.spec_json)


@pytest.mark.parametrize("reload", [False, True])
def test_functions_are_callable_but_never_stored(functions_handle, reload):
    inst = Instance.start(functions_handle, {"start": 5, "names": ["ab", "c"]}, FUNCTIONS)
    inst.run()
    if reload:
        inst = Instance.load(functions_handle, inst.dump(), FUNCTIONS)
    [task] = inst.ready_tasks()
    assert task.element_id == "OnTime"
    assert inst.data == {"start": 5, "names": ["ab", "c"], "due": 7, "total": 3}
    assert "add_days" not in inst.dump() and "__builtins__" not in inst.dump()


def test_data_shadowing_a_function_fails_clearly(functions_handle):
    inst = Instance.start(functions_handle, {"start": 5, "names": [], "add_days": 1}, FUNCTIONS)
    err = failure(inst)
    assert err.element_id == "Plan" and "add_days" in err.message


def test_scripts_without_their_functions_fail_with_name_error(functions_handle):
    err = failure(Instance.start(functions_handle, {"start": 5, "names": []}))
    assert err.message == "NameError: name 'add_days' is not defined"


# --- bounds the operating system enforces (engine/bpmn/sandbox.py) ---

BOUNDS = Bounds(cpu_seconds=1, wall_seconds=4)  # the settings' defaults: 2 s, 5 s
SCRIPTED = """<bpmn:startEvent id="S"/>
<bpmn:scriptTask id="Run"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
<bpmn:exclusiveGateway id="G" default="F_no"/>
<bpmn:userTask id="Yes"/><bpmn:userTask id="No"/>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Run"/>
<bpmn:sequenceFlow id="F2" sourceRef="Run" targetRef="G"/>
<bpmn:sequenceFlow id="F_yes" sourceRef="G" targetRef="Yes">
  <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F_no" sourceRef="G" targetRef="No"/>"""


def scripted(bpmn_doc, script="x = 1", condition="x == 1"):
    body = SCRIPTED.format(script=escape(script), condition=escape(condition))
    compiled = compile_diagram(bpmn_doc(body))
    return load_spec(compiled.checksum, compiled.spec_json)


def bounded_failure(handle, data, bounds=BOUNDS, within=6):
    inst = Instance.start(handle, data, bounds=bounds)
    started = time.perf_counter()
    err = failure(inst)
    assert time.perf_counter() - started < within, err.message
    Instance.load(handle, inst.dump(), bounds=bounds)  # the incident can be saved
    return err


@pytest.mark.parametrize("script, message", [
    ("x = sum(range(10**n))", "ScriptTimeout: "),  # one C call: no instruction is counted
    ("x = 10**10**8", "ScriptTimeout: "),
    ("x = 'x' * 10**10", "MemoryError: the script needed more than 512 MiB"),
    ("big = 'x' * (30 * 10**6)", "ScriptDataTooLarge: 'big' is over 262,144 bytes of JSON"),
    ("y = float('nan')", "ScriptDataRefused: 'y' holds NaN or Infinity, which is not JSON"),
    ("y = {'a': [1, float('-inf')]}", "ScriptDataRefused: 'y' holds NaN or Infinity"),
    ("y = lambda: 1\nz = {1: y}", "ScriptDataRefused: 'z' holds a function"),
])
def test_a_script_past_a_bound_fails_cleanly_within_seconds(bpmn_doc, script, message):
    handle = scripted(bpmn_doc, script)
    err = bounded_failure(handle, {"n": 10})
    assert err.element_id == "Run" and err.message.startswith(message), err.message
    after = Instance.start(scripted(bpmn_doc), {}, bounds=BOUNDS)  # a fresh worker serves
    after.run()
    assert [t.element_id for t in after.ready_tasks()] == ["Yes"]


def test_a_condition_in_one_c_call_is_stopped_by_the_cpu_bound(bpmn_doc):
    handle = scripted(bpmn_doc, condition="sum(range(10**n)) > 0")
    err = bounded_failure(handle, {"n": 10}, Bounds(cpu_seconds=1, wall_seconds=30), within=10)
    assert err.element_id == "G"
    assert err.message == "ScriptTimeout: the script used more than 1 s of CPU time"


def test_the_wall_bound_kills_what_the_cpu_bound_has_not_yet(bpmn_doc):
    handle = scripted(bpmn_doc, condition="sum(range(10**n)) > 0")
    err = bounded_failure(handle, {"n": 10}, Bounds(cpu_seconds=30, wall_seconds=1), within=3)
    # the script before it spent a little of the step's budget
    assert err.message == "ScriptTimeout: the diagram's code ran longer than 1 s in all " \
                          "during this step"
    with pytest.raises(ScriptRefused) as info:
        sandbox.evaluate("sum(range(10**10))", {}, {}, None, Bounds(30, 1), 1)
    assert info.value.message == "ScriptTimeout: the script ran longer than 1 s"


def test_a_bound_from_the_data_is_the_same_code_that_runs_quickly(bpmn_doc):
    handle = scripted(bpmn_doc, condition="sum(range(10**n)) > 0")
    inst = Instance.start(handle, {"n": 3}, bounds=BOUNDS)
    inst.run()
    assert [t.element_id for t in inst.ready_tasks()] == ["Yes"]


def test_only_what_a_script_changed_comes_back(bpmn_doc):
    handle = scripted(bpmn_doc, "items.append(3)\ndel scratch\nsame = 1")
    inst = Instance.start(handle, {"items": [1, 2], "scratch": 0, "same": 1, "x": 1,
                                   "untouched": "z" * 400_000})  # over the bound, not stored
    inst.run()
    assert inst.data == {"items": [1, 2, 3], "same": 1, "x": 1, "untouched": "z" * 400_000}


def test_helpers_are_made_only_when_code_names_one(bpmn_doc):
    made = []

    def make():
        made.append(1)
        return FUNCTIONS
    lazy = LazyFunctions(FUNCTIONS, make)
    plain = Instance.start(scripted(bpmn_doc), {}, lazy)
    plain.run()
    assert made == []
    inst = Instance.start(scripted(bpmn_doc, "x = add_days(1, 0)\ny = add_days(2, 3)"), {}, lazy)
    inst.run()
    assert made == [1] and inst.data == {"x": 1, "y": 5}


MULTI = """<bpmn:startEvent id="S"/>
<bpmn:userTask id="Each">{loop}</bpmn:userTask>
<bpmn:endEvent id="E"/>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Each"/>
<bpmn:sequenceFlow id="F2" sourceRef="Each" targetRef="E"/>"""
CARDINALITY = ("<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>n"
               "</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>")
COLLECTION = ('<bpmn:multiInstanceLoopCharacteristics camunda:collection="items" '
              'camunda:elementVariable="item"/>')


@pytest.mark.parametrize("loop, data, count", [
    (CARDINALITY, {"n": 5000}, 5000), (COLLECTION, {"items": list(range(5000))}, 5000),
    (CARDINALITY, {"n": 201}, 201),
])
def test_multi_instance_over_the_bound_is_refused_before_it_is_built(bpmn_doc, loop, data, count):
    compiled = compile_diagram(bpmn_doc(MULTI.format(loop=loop)))
    handle = load_spec(compiled.checksum, compiled.spec_json)
    err = bounded_failure(handle, data, within=2)
    assert err.element_id == "Each"
    assert err.message == f"TooManyInstances: {count:,} instances asked, at most 200"


@pytest.mark.parametrize("loop, data", [(CARDINALITY, {"n": 200}),
                                        (COLLECTION, {"items": list(range(3))})])
def test_multi_instance_within_the_bound_runs(bpmn_doc, loop, data):
    compiled = compile_diagram(bpmn_doc(MULTI.format(loop=loop)))
    inst = Instance.start(load_spec(compiled.checksum, compiled.spec_json), data)
    inst.run()
    assert len(inst.ready_tasks()) == data.get("n", 3)


@pytest.mark.parametrize("reload", [False, True])
def test_a_refused_multi_instance_is_retried_with_other_data(bpmn_doc, reload):
    compiled = compile_diagram(bpmn_doc(MULTI.format(loop=CARDINALITY)))
    handle = load_spec(compiled.checksum, compiled.spec_json)
    inst = Instance.start(handle, {"n": 5000})
    failure(inst)
    if reload:
        inst = Instance.load(handle, inst.dump())
    assert inst.failed and inst.failed_steps() == ["Each"]
    with pytest.raises(ScriptFailed, match="300 instances asked"):
        inst.retry({"n": 300})  # still too many: still failed, still retryable
    assert inst.retry({"n": 3}) == ["Each"]
    inst.run()
    assert not inst.failed and len(inst.ready_tasks()) == 3
