"""Each structural lint rule names the element and its line."""
import pytest

from engine.bpmn import DiagramRejected, compile_diagram


def problems(xml: bytes):
    with pytest.raises(DiagramRejected) as info:
        compile_diagram(xml)
    return info.value.problems


def ids(xml: bytes) -> list:
    return [p.element_id for p in problems(xml)]


LINEAR = """<bpmn:startEvent id="S"/>
<bpmn:userTask id="T" name="Do"/>
<bpmn:endEvent id="E"/>
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T"/>
<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E"/>"""


def test_the_linear_fixture_compiles(bpmn_doc):
    assert compile_diagram(bpmn_doc(LINEAR)).process_id == "Proc"


def test_no_executable_process(bpmn_doc):
    [problem] = problems(bpmn_doc(LINEAR, executable="false"))
    assert problem.element_id == "Defs" and problem.line == 2
    assert "no executable process" in problem.message


def test_no_executable_process_still_lists_other_problems(bpmn_doc):
    xml = bpmn_doc(LINEAR + '\n<bpmn:task id="Lost"/>', executable="false")
    assert ids(xml) == ["Defs", "Lost"]


def test_two_executable_processes_without_a_single_entry(bpmn_doc):
    second = '<bpmn:process id="Other"><bpmn:startEvent id="S2"/></bpmn:process>\n'
    [problem] = problems(bpmn_doc(LINEAR, after=second))
    assert problem.element_id == "Defs"
    assert "2 executable processes (Proc, Other)" in problem.message


def test_the_only_executable_process_with_a_start_event_is_the_entry(bpmn_doc):
    helper = '<bpmn:process id="Helper"><bpmn:task id="H"/></bpmn:process>\n'
    assert compile_diagram(bpmn_doc(LINEAR, after=helper)).process_id == "Proc"


def test_one_collaboration_of_executable_processes_is_the_entry(bpmn_doc):
    collab = ('<bpmn:collaboration id="Collab" name="Both">'
              '<bpmn:participant id="P1" processRef="Proc"/>'
              '<bpmn:participant id="P2" processRef="Other"/></bpmn:collaboration>\n')
    other = ('<bpmn:process id="Other"><bpmn:startEvent id="S2"/><bpmn:userTask id="T2"/>'
             '<bpmn:sequenceFlow id="G1" sourceRef="S2" targetRef="T2"/></bpmn:process>\n')
    compiled = compile_diagram(bpmn_doc(LINEAR, before=collab, after=other))
    assert (compiled.process_id, compiled.process_name) == ("Collab", "Both")
    assert [t.element_id for t in compiled.user_tasks] == ["T", "T2"]


@pytest.mark.parametrize("reserved", ["Start", "End", "StartEventJoin"])
def test_reserved_ids(bpmn_doc, line, reserved):
    xml = bpmn_doc(LINEAR.replace('"S"', f'"{reserved}"'))
    [problem] = problems(xml)
    assert (problem.element_id, problem.line) == (reserved, line(xml, f'id="{reserved}"'))
    assert "reserved" in problem.message


def test_unreachable_node(bpmn_doc, line):
    xml = bpmn_doc(LINEAR + '\n<bpmn:userTask id="Orphan"/>\n<bpmn:endEvent id="E2"/>'
                   '\n<bpmn:sequenceFlow id="F3" sourceRef="Orphan" targetRef="E2"/>')
    found = problems(xml)
    assert [(p.element_id, p.line) for p in found] == [
        ("Orphan", line(xml, 'id="Orphan"')), ("E2", line(xml, 'id="E2"'))]
    assert "cannot be reached from a start event" in found[0].message


def test_boundary_events_and_event_sub_processes_count_as_reachable(bpmn_doc):
    body = LINEAR + """
<bpmn:boundaryEvent id="B" attachedToRef="T"><bpmn:timerEventDefinition>
  <bpmn:timeDuration>"PT1H"</bpmn:timeDuration>
</bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:endEvent id="E3"/>
<bpmn:sequenceFlow id="F3" sourceRef="B" targetRef="E3"/>
<bpmn:subProcess id="Esp" triggeredByEvent="true">
  <bpmn:startEvent id="ES"><bpmn:messageEventDefinition messageRef="M"/></bpmn:startEvent>
  <bpmn:endEvent id="EE"/>
  <bpmn:sequenceFlow id="F4" sourceRef="ES" targetRef="EE"/>
</bpmn:subProcess>"""
    after = '<bpmn:message id="M" name="cancel"/>\n'
    assert compile_diagram(bpmn_doc(body, after=after)).process_id == "Proc"


def test_activity_with_two_outgoing_flows(bpmn_doc, line):
    xml = bpmn_doc(LINEAR + '\n<bpmn:endEvent id="E2"/>'
                   '\n<bpmn:sequenceFlow id="F3" sourceRef="T" targetRef="E2"/>')
    [problem] = problems(xml)
    assert (problem.element_id, problem.line) == ("T", line(xml, 'id="T"'))
    assert "parallel gateway" in problem.message


@pytest.mark.parametrize("starts", [
    "", '<bpmn:startEvent id="A"/><bpmn:startEvent id="B"/>',
    '<bpmn:startEvent id="A"><bpmn:messageEventDefinition/></bpmn:startEvent>'])
def test_sub_process_needs_exactly_one_plain_start_event(bpmn_doc, line, starts):
    body = LINEAR.replace('targetRef="E"/>', 'targetRef="Sub"/>') + f"""
<bpmn:subProcess id="Sub">{starts}<bpmn:endEvent id="SE"/></bpmn:subProcess>
<bpmn:sequenceFlow id="F3" sourceRef="Sub" targetRef="E"/>"""
    xml = bpmn_doc(body)
    found = [p for p in problems(xml) if p.element_id == "Sub"]
    assert [p.line for p in found] == [line(xml, 'id="Sub"')]
    assert "exactly one start event" in found[0].message


@pytest.mark.parametrize("kind", ["exclusiveGateway", "inclusiveGateway"])
def test_gateway_flow_without_condition_and_not_default(bpmn_doc, line, kind):
    body = f"""<bpmn:startEvent id="S"/>
<bpmn:{kind} id="G" default="F_default"/>
<bpmn:endEvent id="E1"/><bpmn:endEvent id="E2"/><bpmn:endEvent id="E3"/>
<bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="G"/>
<bpmn:sequenceFlow id="F_cond" sourceRef="G" targetRef="E1">
  <bpmn:conditionExpression>x == 1</bpmn:conditionExpression>
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F_default" sourceRef="G" targetRef="E2"/>
<bpmn:sequenceFlow id="F_bare" sourceRef="G" targetRef="E3"/>"""
    xml = bpmn_doc(body)
    [problem] = problems(xml)
    assert (problem.element_id, problem.line) == ("F_bare", line(xml, 'id="F_bare"'))
    assert "gateway 'G' has no condition" in problem.message


def test_message_without_name_and_data_stores(bpmn_doc, line):
    after = '<bpmn:message id="Msg"/>\n<bpmn:dataStore id="Store" name="db"/>\n'
    reference = '\n<bpmn:dataStoreReference id="StoreRef" dataStoreRef="Store"/>'
    xml = bpmn_doc(LINEAR + reference, after=after)
    found = {p.element_id: p for p in problems(xml)}
    assert set(found) == {"Msg", "Store", "StoreRef"}
    assert found["Msg"].line == line(xml, 'id="Msg"') and "has no name" in found["Msg"].message
    assert "data stores are not supported" in found["StoreRef"].message


def test_all_problems_are_reported_at_once(bpmn_doc):
    xml = bpmn_doc(LINEAR.replace('"S"', '"Start"') + '\n<bpmn:task id="Lost"/>',
                   after='<bpmn:message id="Msg"/>\n')
    assert set(ids(xml)) == {"Start", "Lost", "Msg"}
