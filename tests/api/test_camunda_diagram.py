"""A diagram as Camunda Modeler 5 draws it (diagrams/camunda_modeler.bpmn): a
pool whose lanes name unit codes, `camunda:candidateGroups` on the desk's
steps, no forms anywhere, an exclusive gateway on `approved` and a parallel
split and join. Over the API it runs to its end on either branch with the
deciding step's generic data, and racing claims or completions have one
winner."""
import threading
from pathlib import Path

import pytest

from .walk import Walk

DIAGRAM = Path(__file__).parent / "diagrams" / "camunda_modeler.bpmn"
PROC = {"code": "CAMUNDA.1", "name": "Đăng ký hộ kinh doanh (Camunda Modeler)",
        "agency": "UBND.PHUHOI", "statutory_time": {"value": 5, "unit": "working_days"}}
DESK, OFFICER, OFFICER2, LEADER = "reception", "officer", "officer2", "leader"
GROUPS = {"Task_Receive": "TTPVHCC", "Task_Review": "UBND.PHUHOI.KT", "Task_Notify": "TTPVHCC",
          "Task_Fee": "TTPVHCC", "Task_Sign": "UBND.PHUHOI.LD"}


@pytest.fixture
def procedure(demo, login_as):
    designer = login_as("designer")
    assert designer.post("/api/v1/procedures", json=PROC).status_code == 201
    response = designer.post(f"/api/v1/procedures/{PROC['code']}/versions",
                             data=DIAGRAM.read_bytes(), content_type="application/xml")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["warnings"] == []  # formless steps may set `approved`
    version = designer.get(f"/api/v1/procedures/{PROC['code']}/versions/1").get_json()
    assert {t["element_id"]: (t["candidate_groups"], t["form_key"])
            for t in version["user_tasks"]} == {k: ([g], None) for k, g in GROUPS.items()}
    return PROC["code"]


def test_the_file_is_what_camunda_modeler_writes():
    text = DIAGRAM.read_text(encoding="utf-8")
    assert 'exporter="Camunda Modeler" exporterVersion="5.' in text
    assert text.count("<bpmndi:BPMNShape ") == 4 + 11 and "<bpmndi:BPMNEdge " in text
    assert 'camunda:candidateGroups="TTPVHCC"' in text and "camunda:formKey" not in text


def _received(login_as, procedure) -> Walk:
    walk = Walk(login_as, procedure, DESK)
    assert walk.step("Task_Receive", DESK, GROUPS["Task_Receive"], {}) == ["Task_Review"]
    return walk


def test_approved_runs_through_the_parallel_split_and_join(procedure, login_as):
    walk = _received(login_as, procedure)
    decision = {"approved": True, "review_note": "Đủ điều kiện"}
    assert walk.step("Task_Review", OFFICER, "UBND.PHUHOI.KT", decision) == [
        "Task_Fee", "Task_Sign"]
    assert walk.step("Task_Sign", LEADER, "UBND.PHUHOI.LD", {}) == ["Task_Fee"]
    assert walk.read(DESK)["status"] != "resolved"  # the join waits for the fee
    assert walk.step("Task_Fee", DESK, "TTPVHCC", {"fee_paid": 100_000}) == []
    final = walk.read(LEADER)
    assert (final["status"], final["national_status"]) == ("resolved", 9)
    assert final["data"]["approved"] is True and final["data"]["fee_paid"] == 100_000
    history = walk.history(LEADER)
    assert walk.task_events(LEADER) == walk.expected_task_events()
    assert history[0]["type"] == "dossier.received" and history[-1]["type"] == "dossier.resolved"
    [review] = [e for e in history if e["type"] == "task.completed"
                and e["element_id"] == "Task_Review"]
    assert review["detail"]["data"] == decision
    assert "Task_Notify" not in {e.get("element_id") for e in history}


def test_not_approved_takes_the_other_path(procedure, login_as):
    walk = _received(login_as, procedure)
    assert walk.step("Task_Review", OFFICER, "UBND.PHUHOI.KT", {"approved": False}) == [
        "Task_Notify"]
    assert walk.step("Task_Notify", DESK, "TTPVHCC", {"notice_no": "12/TB"}) == []
    final = walk.read(DESK)
    assert (final["status"], final["national_status"]) == ("resolved", 9)
    assert final["data"]["approved"] is False
    assert walk.task_events(DESK) == walk.expected_task_events()
    assert {"Task_Fee", "Task_Sign"}.isdisjoint(e.get("element_id") for e in walk.history(DESK))


def _race(app, calls) -> list[int]:
    """Send each (headers, url, body) from its own thread, all at once."""
    barrier, statuses = threading.Barrier(len(calls)), []

    def send(headers, url, body):
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(url, headers=headers, json=body).status_code)

    threads = [threading.Thread(target=send, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_racing_claims_and_completions_have_one_winner(procedure, login_as, app):
    walk = _received(login_as, procedure)
    task = walk.task("Task_Review", OFFICER, "UBND.PHUHOI.KT")
    claim = f"/api/v1/tasks/{task['id']}/claim"
    rivals = {name: walk.caller(name) for name in (OFFICER, OFFICER2)}
    assert _race(app, [(c.headers, claim, None) for c in rivals.values()]) == [200, 409]
    winner = walk.read(OFFICER)["tasks"][0]["assignee"]
    assert winner in rivals
    complete = f"/api/v1/tasks/{task['id']}/complete"
    body = {"data": {"approved": True}}
    assert _race(app, [(rivals[winner].headers, complete, body)] * 2) == [200, 409]
    types = [(e["type"], e.get("element_id")) for e in walk.history(OFFICER)]
    assert types.count(("task.claimed", "Task_Review")) == 1
    assert types.count(("task.completed", "Task_Review")) == 1
    assert walk.open_steps(DESK) == ["Task_Fee", "Task_Sign"]  # split once, not twice
