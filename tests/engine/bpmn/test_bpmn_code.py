"""Deploy-time checks of the Python a diagram carries, and timer quoting."""
import pytest

from engine.bpmn import DiagramRejected, compile_diagram, policy

SCRIPTED = """<bpmn:startEvent id="S"/>
<bpmn:scriptTask id="Task_1"{attrs}>{script}</bpmn:scriptTask>
<bpmn:endEvent id="E"/>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Task_1"/>
<bpmn:sequenceFlow id="F2" sourceRef="Task_1" targetRef="E"/>"""


def scripted(bpmn_doc, script: str | None, attrs: str = "") -> bytes:
    body = "" if script is None else f"<bpmn:script>{script}</bpmn:script>"
    return bpmn_doc(SCRIPTED.format(attrs=attrs, script=body))


def problems(xml: bytes):
    with pytest.raises(DiagramRejected) as info:
        compile_diagram(xml)
    return info.value.problems


def test_script_importing_a_module_is_rejected_with_id_and_line(bpmn_doc, line):
    xml = scripted(bpmn_doc, "x = 1\nimport os\nos.system('id')")
    [problem] = problems(xml)
    assert problem.element_id == "Task_1"
    assert problem.line == line(xml, "import os")
    assert problem.message == "script of 'Task_1' line 2: imports are not allowed"


@pytest.mark.parametrize("script, fragment", [
    ("from os import path", "imports are not allowed"),
    ("__import__('os')", '"__import__" is an invalid variable name'),
    ("x = ().__class__.__bases__[0].__subclasses__()", '"__class__" is an invalid attribute name'),
    ("open('/etc/passwd')", "'open' is not allowed"),
    ("eval('1')", "'eval' is not allowed"),
    ("exec('x = 1')", "'exec' is not allowed"),
    ("f = getattr", "'getattr' is not allowed"),
    ("g = globals()", "'globals' is not allowed"),
    ("c = compile('1', 'f', 'eval')", "'compile' is not allowed"),
    ("b = Exception.mro()", "the attribute 'mro' is not allowed"),
    ("try:\n  x = 1\nexcept:\n  pass", "bare 'except:'"),
    ("try:\n  x = 1\nfinally:\n  pass", "'finally' blocks"),
    ("class A:\n  pass", "class definitions"),
    ("x = (", "syntax error"),
])
def test_unsafe_scripts_are_rejected(bpmn_doc, script, fragment):
    found = problems(scripted(bpmn_doc, script))
    assert {p.element_id for p in found} == {"Task_1"}
    assert any(fragment in p.message for p in found), found


def test_script_task_without_script(bpmn_doc):
    [problem] = problems(scripted(bpmn_doc, None))
    assert problem.element_id == "Task_1" and "has no script" in problem.message


def test_script_in_another_language(bpmn_doc):
    [problem] = problems(scripted(bpmn_doc, "x = 1", attrs=' scriptFormat="JavaScript"'))
    assert problem.element_id == "Task_1" and "only python is supported" in problem.message


def test_python_script_format_is_case_insensitive(bpmn_doc):
    compile_diagram(scripted(bpmn_doc, "x = 1", attrs=' scriptFormat="Python"'))


GATEWAY = """<bpmn:startEvent id="S"/>
<bpmn:exclusiveGateway id="G" default="F_no"/>
<bpmn:endEvent id="E1"/><bpmn:endEvent id="E2"/>
<bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="G"/>
<bpmn:sequenceFlow id="F_yes" sourceRef="G" targetRef="E1">
  <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F_no" sourceRef="G" targetRef="E2"/>"""


@pytest.mark.parametrize("condition, fragment", [
    ("__import__('os').system('id')", '"__import__"'),
    ("${approved}", "JUEL expression"),
    ("", "it is empty"),
    ("x = 1", "syntax error"),
])
def test_unsafe_or_broken_conditions(bpmn_doc, line, condition, fragment):
    xml = bpmn_doc(GATEWAY.format(condition=condition))
    [problem] = problems(xml)
    assert (problem.element_id, problem.line) == ("F_yes", line(xml, "<bpmn:conditionExpression"))
    assert fragment in problem.message


TIMER = """<bpmn:startEvent id="S"/>
<bpmn:intermediateCatchEvent id="Wait">
  <bpmn:timerEventDefinition id="TD">{definition}</bpmn:timerEventDefinition>
</bpmn:intermediateCatchEvent>
<bpmn:endEvent id="E"/>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Wait"/>
<bpmn:sequenceFlow id="F2" sourceRef="Wait" targetRef="E"/>"""


@pytest.mark.parametrize("kind, literal", [
    ("timeDuration", "PT5M"), ("timeDuration", "P2D"), ("timeCycle", "R3/P1D"),
    ("timeCycle", "R/PT1H"), ("timeDate", "2026-05-04T17:00:00+07:00"),
])
def test_timer_literals_are_quoted_with_a_warning(bpmn_doc, kind, literal):
    xml = bpmn_doc(TIMER.format(definition=f"<bpmn:{kind}>{literal}</bpmn:{kind}>"))
    compiled = compile_diagram(xml)
    [warning] = compiled.warnings
    assert warning.element_id == "Wait"
    assert literal in warning.message and "quoted" in warning.message
    assert f'\\"{literal}\\"' in compiled.spec_json  # the spec holds the quoted text
    assert literal.encode() in xml  # ... while the upload itself is untouched


def test_timer_date_without_offset_is_refused(bpmn_doc):
    """A naive date would be read in the server's zone, not the agency's."""
    xml = bpmn_doc(TIMER.format(definition="<bpmn:timeDate>2026-05-04T17:00:00</bpmn:timeDate>"))
    [problem] = problems(xml)
    assert problem.element_id == "Wait" and "no UTC offset" in problem.message
    with_offset = TIMER.format(definition="<bpmn:timeDate>2026-05-04T17:00:00+07:00"
                                          "</bpmn:timeDate>")
    assert compile_diagram(bpmn_doc(with_offset)).warnings


def test_timer_expressions_are_left_alone(bpmn_doc):
    expression = '<bpmn:timeDuration>"PT" + str(hours) + "H"</bpmn:timeDuration>'
    xml = bpmn_doc(TIMER.format(definition=expression))
    assert compile_diagram(xml).warnings == ()


@pytest.mark.parametrize("definition", ["", "<bpmn:timeDuration> </bpmn:timeDuration>"])
def test_empty_timer_is_a_problem(bpmn_doc, definition):
    [problem] = problems(bpmn_doc(TIMER.format(definition=definition)))
    assert problem.element_id == "Wait" and "no time expression" in problem.message


def test_unsafe_timer_expression(bpmn_doc):
    expression = "<bpmn:timeDuration>open('x').read()</bpmn:timeDuration>"
    xml = bpmn_doc(TIMER.format(definition=expression))
    [problem] = problems(xml)
    assert problem.element_id == "Wait" and "'open' is not allowed" in problem.message


def test_lane_warnings(bpmn_doc):
    lanes = """<bpmn:laneSet id="LS">
<bpmn:lane id="L1" name="DESK"><bpmn:flowNodeRef>S</bpmn:flowNodeRef></bpmn:lane>
<bpmn:lane id="L2" name="EMPTY"/></bpmn:laneSet>
<bpmn:startEvent id="S"/>"""
    compiled = compile_diagram(bpmn_doc(lanes))
    assert compiled.lanes == ("DESK", "EMPTY")
    warnings = [(w.element_id, w.message) for w in compiled.warnings]
    assert warnings == [("L2", "lane 'EMPTY' has no tasks")]


def test_indented_scripts_and_conditions_are_accepted(bpmn_doc, line):
    script = "\n      fee = 1\n      if fee:\n        import os\n    "
    xml = scripted(bpmn_doc, script)
    [problem] = problems(xml)
    assert problem.line == line(xml, "import os")
    assert problem.message == "script of 'Task_1' line 4: imports are not allowed"
    compile_diagram(bpmn_doc(GATEWAY.format(condition="\n      x == 1\n    ")))


SUM_300 = " + ".join(["a"] * 300)
ELIFS = "if a == 0:\n    x = 0\n" + "".join(f"elif a == {i}:\n    x = {i}\n" for i in range(1, 120))


@pytest.mark.parametrize("script", [f"x = {SUM_300}", "x = " + "-" * 5000 + "1", ELIFS,
                                    "x = " + "not " * 3000 + "a"])
def test_code_nested_past_the_bound_is_a_problem_not_a_recursion_error(bpmn_doc, script):
    [problem] = problems(scripted(bpmn_doc, script))
    assert problem.element_id == "Task_1"
    assert "nested too deeply" in problem.message and "100" in problem.message


def test_a_condition_of_300_terms_is_a_problem_naming_its_flow(bpmn_doc):
    [problem] = problems(bpmn_doc(GATEWAY.format(condition=f"{SUM_300} > 0")))
    assert problem.element_id == "F_yes" and "nested too deeply" in problem.message


def test_code_nested_within_the_bound_compiles(bpmn_doc):
    script = "x = " + " + ".join(["a"] * 60) + "\n" + ELIFS.split("elif a == 40")[0]
    assert compile_diagram(scripted(bpmn_doc, script)).process_id == "Proc"
    assert policy.compile_checked(script, "exec") is not None


def test_compile_checked_refuses_deep_code_at_run_time_too():
    with pytest.raises(policy.UnsafeCode, match="nested too deeply"):
        policy.compile_checked(SUM_300, "eval")
