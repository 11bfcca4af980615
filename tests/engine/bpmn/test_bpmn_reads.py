"""The names a diagram's conditions and scripts read, for deploy's warning about
variables nothing sets: Load names only, less what scripts assign, builtins,
the platform's helpers and names the expression binds itself."""
from engine.bpmn import SCRIPT_HELPERS, Reads, variable_reads

from .conftest import make_bpmn

FLOWS = """<bpmn:startEvent id="S"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
<bpmn:scriptTask id="Calc"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
<bpmn:exclusiveGateway id="G" default="F4"><bpmn:incoming>F2</bpmn:incoming>
</bpmn:exclusiveGateway>
<bpmn:endEvent id="E"/>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Calc"/>
<bpmn:sequenceFlow id="F2" sourceRef="Calc" targetRef="G"/>
<bpmn:sequenceFlow id="F3" sourceRef="G" targetRef="E">
<bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F4" sourceRef="G" targetRef="E"/>"""


def reads(script="x = 1", condition="True") -> tuple[Reads, ...]:
    return variable_reads(make_bpmn(FLOWS.format(script=script, condition=condition)))


def test_a_condition_names_its_flow_line_and_the_names_it_reads():
    xml = make_bpmn(FLOWS.format(script="x = 1", condition="aproved == True"))
    [found] = variable_reads(xml)
    assert found == Reads("F3", found.line, ("aproved",))
    assert xml.decode().splitlines()[found.line - 1].startswith("<bpmn:conditionExpression>")


def test_a_script_reads_what_it_does_not_assign():
    [found] = reads(script="fee = base * rate\nfee = round(fee)\n")
    assert (found.element_id, found.names) == ("Calc", ("base", "rate"))


def test_names_a_script_assigns_are_set_for_every_condition():
    assert reads(script="total = 5\nfor item in []:\n    pass", condition="total > 3") == ()
    assert reads(script="count = 0\ncount += 1", condition="count == 1") == ()
    assert reads(script="a, (b, c) = 1, (2, 3)", condition="a + b + c") == ()


def test_builtins_helpers_and_local_bindings_are_not_variables():
    condition = ("len(docs) > 0 and all(d for d in docs) and "
                 "sorted(x for x in [1]) and (lambda y: y)(1) and add_working_days(1)")
    [found] = reads(condition=condition)
    assert (found.element_id, found.names) == ("F3", ("docs",))
    script = "def double(n):\n    return n * 2\nout = double(seed)\ntry:\n    z = 1\n" \
             "except ValueError as err:\n    z = str(err)"
    [found] = reads(script=script)
    assert found.names == ("seed",)
    assert {"add_working_days", "add_working_hours", "add_calendar_days"} == SCRIPT_HELPERS


def test_attributes_and_subscripts_read_only_their_base_name():
    [found] = reads(condition="applicant['id_number'] and decision.get('x') == outcome.value")
    assert found.names == ("applicant", "decision", "outcome")  # reserved ones go later


def test_a_diagram_without_code_reads_nothing():
    body = """<bpmn:startEvent id="S"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
<bpmn:endEvent id="E"><bpmn:incoming>F1</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="E"/>"""
    assert variable_reads(make_bpmn(body)) == ()


def test_only_processes_dossiers_run_are_read():
    idle = ('<bpmn:process id="Idle" isExecutable="false"><bpmn:scriptTask id="Other">'
            '<bpmn:script>y = ghost</bpmn:script></bpmn:scriptTask></bpmn:process>\n')
    xml = make_bpmn(FLOWS.format(script="x = 1", condition="approved"), after=idle)
    assert [r.element_id for r in variable_reads(xml)] == ["F3"]


def test_unreadable_input_reads_nothing():
    assert variable_reads(b"<not-bpmn/>") == ()
    assert variable_reads(b"no xml at all") == ()
