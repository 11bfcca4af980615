"""Scripts run restricted and bounded; failures surface as ScriptFailed and
leave the instance usable."""
import json
import os.path
import time
from pathlib import Path

import pytest

from engine.bpmn import Instance, ScriptFailed, compile_diagram, load_spec

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
FUNCTIONS = {"add_days": lambda start, n: start + n, "is_short": lambda due: due < 10}


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
