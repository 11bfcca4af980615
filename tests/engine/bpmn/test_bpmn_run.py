"""Scenarios of the three-lane procedure, each run straight and with a
save/restore after every step (the `driver` fixture is parametrized)."""
from engine.bpmn import TaskNotReady, TaskView

import pytest

START = {"area": 150, "history": [], "shared": {"start": 1}}


def test_compiled_facts(driver):
    compiled = driver("three_lanes.bpmn").compiled
    assert compiled.process_id == "CapPhep"
    assert compiled.process_name == "Cap giay phep xay dung"
    assert compiled.lanes == ("DESK", "SPEC", "LEAD")
    assert compiled.warnings == ()
    by_id = {t.element_id: t for t in compiled.user_tasks}
    assert list(by_id) == ["Receive", "Appraise", "Approve", "PrepareResult", "NotifyRejection"]
    receive = by_id["Receive"]
    assert receive.candidate_groups == ("DESK", "DESK_B")
    assert (receive.form_key, receive.allotment, receive.lane) == ("tiep_nhan", "4h", "DESK")
    appraise = by_id["Appraise"]  # spiffworkflow properties; lane name is stripped
    assert (appraise.lane, appraise.candidate_groups) == ("SPEC", ("SPEC",))
    assert (appraise.form_key, appraise.allotment) == ("tham_dinh", "2d")
    assert by_id["Approve"].candidate_groups == ("LEAD", "LEAD_DEPUTY")
    assert by_id["PrepareResult"].form_key is None


def test_approve_path_runs_parallel_branches_to_the_end(driver):
    run = driver("three_lanes.bpmn").start(START)
    assert run.ready() == ["Receive"]
    [task] = run.inst.ready_tasks()
    assert (task.lane, task.name, task.data) == ("DESK", "Tiep nhan ho so", START)
    run.complete("Receive", {"applicant": "Nguyen Van A"})
    assert run.ready() == ["Appraise"]
    assert run.inst.data["fee"] == 500000
    run.complete("Appraise", {"decision": "approve"})
    assert run.ready() == ["Approve", "PrepareResult"]
    run.complete("Approve", {"approved_by": "lead", "shared": {"approve": 1}})
    assert run.ready() == ["PrepareResult"] and not run.inst.completed
    run.complete("PrepareResult", {"receipt": "R-1", "shared": {"prepare": 1}})
    assert run.inst.completed and run.ready() == []
    data = run.inst.data
    assert data["result"] == "approved"
    assert data["history"] == ["fee", "finalize"]
    assert (data["approved_by"], data["receipt"]) == ("lead", "R-1")
    # complete() replaces top-level keys ("start" is gone in each branch),
    # then the join deep-merges the nested dicts of both branches.
    assert data["shared"] == {"approve": 1, "prepare": 1}


def test_reject_path_is_the_default_flow(driver):
    run = driver("three_lanes.bpmn").start({"area": 50, "history": []})
    run.complete("Receive")
    run.complete("Appraise", {"decision": "reject"})
    assert run.ready() == ["NotifyRejection"]
    run.complete("NotifyRejection", {"reason": "thieu giay to"})
    assert run.inst.completed
    assert run.path == ["Receive", "Appraise", "NotifyRejection"]
    assert run.inst.data == {"area": 50, "history": ["fee"], "fee": 200000,
                             "decision": "reject", "reason": "thieu giay to"}


def test_conflicting_branch_writes_last_completed_wins(driver):
    run = driver("three_lanes.bpmn").start(START)
    run.complete("Receive")
    run.complete("Appraise", {"decision": "approve"})
    run.complete("PrepareResult", {"note": "from desk"})
    # A finished branch's data is not visible until the join fires.
    assert "note" not in run.inst.data
    run.complete("Approve", {"note": "from lead"})
    assert run.inst.data["note"] == "from lead"


def test_complete_returns_the_view_and_refuses_unknown_tasks(driver):
    run = driver("three_lanes.bpmn").start(START)
    [task] = run.inst.ready_tasks()
    view = run.inst.complete(task.id, {"x": 1})
    assert isinstance(view, TaskView) and view.id == task.id and view.data["x"] == 1
    with pytest.raises(TaskNotReady):
        run.inst.complete(task.id, {})  # already completed
    with pytest.raises(TaskNotReady):
        run.inst.complete("not-a-uuid", {})
    with pytest.raises(TaskNotReady):
        run.inst.complete("00000000-0000-0000-0000-000000000000", {})


def test_embedded_sub_process_and_call_activity(driver):
    run = driver("subprocesses.bpmn")
    assert run.compiled.process_id == "Main"
    specs = {t.element_id: t for t in run.compiled.user_tasks}
    assert specs["Verify"].lane == "SPEC"  # inherited from its sub-process
    assert specs["SignOff"].candidate_groups == ("LEAD",)
    run.start({"documents": ["cmnd", "don"]})
    [verify] = run.inst.ready_tasks()
    assert (verify.element_id, verify.lane) == ("Verify", "SPEC")
    run.complete("Verify", {"verified": True})
    assert run.ready() == ["SignOff"]
    run.complete("SignOff", {"signed": True})
    assert run.inst.completed
    assert run.inst.data == {"documents": ["cmnd", "don"], "verified": True,
                             "score": 20, "signed": True}
