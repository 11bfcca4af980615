"""A diagram whose condition spends minutes in one C call, `sum(range(10**n))`
with `n` from the dossier's data (so deploying cannot see it), stops no one:
reached by a request, the request answers within seconds with the dossier in
a visible incident; reached by a timer, the scheduler records the incident
and goes on; meanwhile /healthz answers, another dossier's timer fires and
other writes succeed (no lock is held while diagram code runs)."""
import threading
import time
import urllib.request
from dataclasses import replace

import pytest

from engine.bpmn.sandbox import Bounds

from .api.helpers import claim_and_complete, open_dossier, open_task
from .processes import Gunicorn, Scheduler, call

pytestmark = pytest.mark.timeout(180)
CONDITION = "sum(range(10**n)) &gt; 0"  # minutes for n = 10, nothing for n = 1
WAIT = ('<bpmn:intermediateCatchEvent id="Wait"><bpmn:incoming>F1</bpmn:incoming>'
        '<bpmn:outgoing>F2</bpmn:outgoing><bpmn:timerEventDefinition id="TD">'
        '<bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition>'
        '</bpmn:intermediateCatchEvent>')
DECIDE = ('<bpmn:userTask id="Task_Decide" name="Decide"><bpmn:incoming>F1</bpmn:incoming>'
          '<bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>')


def heavy_bpmn(process_id: str, first: str) -> bytes:
    """Start, then `first` (a step or a PT1S timer), then a gateway whose
    condition costs what the dossier's `n` makes it cost."""
    first_id = "Wait" if first == WAIT else "Task_Decide"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_Heavy"
    targetNamespace="http://motcua.vn/test">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="UBND.PHUHOI.KT">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>{first_id}</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Gate</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_After</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Task_Other</bpmn:flowNodeRef><bpmn:flowNodeRef>End_1</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    {first}
    <bpmn:exclusiveGateway id="Gate" default="F_other"><bpmn:incoming>F2</bpmn:incoming>
      <bpmn:outgoing>F_after</bpmn:outgoing><bpmn:outgoing>F_other</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:userTask id="Task_After" name="After"><bpmn:incoming>F_after</bpmn:incoming>
      <bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="Task_Other" name="Other"><bpmn:incoming>F_other</bpmn:incoming>
      <bpmn:outgoing>F4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>F3</bpmn:incoming><bpmn:incoming>F4</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="{first_id}"/>
    <bpmn:sequenceFlow id="F2" sourceRef="{first_id}" targetRef="Gate"/>
    <bpmn:sequenceFlow id="F_after" sourceRef="Gate" targetRef="Task_After">
      <bpmn:conditionExpression>{CONDITION}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F_other" sourceRef="Gate" targetRef="Task_Other"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_After" targetRef="End_1"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Task_Other" targetRef="End_1"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


# --- in process: the incident, its event, and a retry with smaller data ---

@pytest.fixture
def config(config):
    config.SETTINGS = replace(config.SETTINGS, script_cpu_seconds=1, script_wall_seconds=4)
    return config


def _deploy(designer, code, xml):
    designer.post("/api/v1/procedures", json={
        "code": code, "name": code, "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 5, "unit": "working_days"}})
    response = designer.post(f"/api/v1/procedures/{code}/versions", data=xml,
                             content_type="application/xml")
    assert response.status_code == 201, response.get_json()


def test_a_completion_reaching_minutes_of_c_is_an_incident_in_seconds(demo, login_as):
    _deploy(login_as("designer"), "HEAVY.1", heavy_bpmn("heavy_step", DECIDE))
    code = open_dossier(login_as("reception"), "HEAVY.1", {"n": 10})["code"]
    officer, leader = login_as("officer"), login_as("leader")
    task = open_task(officer, code, "Task_Decide")
    started = time.monotonic()
    claim_and_complete(officer, task["id"], {})
    assert time.monotonic() - started < 8
    body = leader.get(f"/api/v1/dossiers/{code}").get_json()
    assert body["status"] == "incident" and body["incident"]["element_id"] == "Gate"
    assert body["incident"]["message"].startswith("ScriptTimeout: ")
    history = [e["type"] for e in leader.get(f"/api/v1/dossiers/{code}/history").get_json()]
    assert history.index("dossier.incident") > history.index("task.completed")
    retried = leader.post(f"/api/v1/dossiers/{code}/retry", json={"data": {"n": 1}})
    assert retried.status_code == 200, retried.get_json()
    after = leader.get(f"/api/v1/dossiers/{code}").get_json()
    assert after["incident"] is None and after["status"] == "processing"
    assert [t["element_id"] for t in after["tasks"]] == ["Task_After"]


def test_a_timer_reaching_minutes_of_c_is_an_incident_and_the_sweep_goes_on(
        demo, login_as, admin_ctx, clock):
    from datetime import timedelta

    from engine.scheduling import scheduler
    _deploy(login_as("designer"), "HEAVY.2", heavy_bpmn("heavy_timer", WAIT))
    reception, leader = login_as("reception"), login_as("leader")
    heavy = open_dossier(reception, "HEAVY.2", {"n": 10})["code"]
    light = open_dossier(reception, "HEAVY.2", {"n": 1})["code"]
    clock.advance(timedelta(seconds=2))
    started = time.monotonic()
    assert scheduler.fire_due(admin_ctx, "test") == 2
    assert time.monotonic() - started < 8
    body = leader.get(f"/api/v1/dossiers/{heavy}").get_json()
    assert body["status"] == "incident" and body["incident"]["element_id"] == "Gate"
    after = leader.get(f"/api/v1/dossiers/{light}").get_json()
    assert [t["element_id"] for t in after["tasks"]] == ["Task_After"]


CHECK = {"business_name": "Tiệm", "capital": 5, "needs_inspection": False}


def _interfering_runs(monkeypatch, db, code, times):
    """Make `workflow.run` (the engine, outside any lock) find its dossier changed
    by another writer the first `times` times: the revision moves meanwhile."""
    from sqlalchemy import update

    from engine.dossier import workflow
    from engine.store.dossiers import Dossier
    runs, real = [], workflow.run

    def run(instance, step=None):
        runs.append(1)
        if len(runs) <= times:  # no lock is held now: this write does not wait
            db.execute(update(Dossier).where(Dossier.code == code)
                       .values(revision=Dossier.revision + 1))
            db.commit()
        return real(instance, step)
    monkeypatch.setattr(workflow, "run", run)
    return runs


def _completions(caller, code):
    history = caller.get(f"/api/v1/dossiers/{code}/history").get_json()
    return [e for e in history if e["type"] == "task.completed"]


def test_a_dossier_changed_while_its_diagram_ran_is_run_again(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    dossier = open_dossier(reception, household)
    task = dossier["tasks"][0]
    assert reception.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    runs = _interfering_runs(monkeypatch, db, dossier["code"], times=1)
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CHECK})
    assert response.status_code == 200, response.get_json()
    assert len(runs) == 2 and len(_completions(reception, dossier["code"])) == 1


def test_a_dossier_that_keeps_changing_is_a_conflict_and_nothing_is_written(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    dossier = open_dossier(reception, household)
    task = dossier["tasks"][0]
    assert reception.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    runs = _interfering_runs(monkeypatch, db, dossier["code"], times=99)
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CHECK})
    assert response.status_code == 409 and len(runs) == 3
    monkeypatch.undo()
    assert _completions(reception, dossier["code"]) == []
    after = reception.get(f"/api/v1/dossiers/{dossier['code']}").get_json()
    assert [(t["element_id"], t["status"]) for t in after["tasks"]] == [("Task_Check", "open")]


def test_two_completions_of_parallel_steps_at_once_both_succeed(household, login_as, app):
    reception, officer = login_as("reception"), login_as("officer")
    code = open_dossier(reception, household)["code"]
    claim_and_complete(reception, open_task(reception, code, "Task_Check")["id"], CHECK)
    review, fee = open_task(officer, code, "Task_Review"), open_task(reception, code, "Task_Fee")
    calls = [(officer, review, {"review_note": "ok", "review_outcome": "ok"}),
             (reception, fee, {"fee_paid": True, "receipt_no": "BL-1"})]
    for caller, task, _ in calls:
        assert caller.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    barrier, statuses = threading.Barrier(2), []

    def complete(caller, task, data):
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(f"/api/v1/tasks/{task['id']}/complete",
                                    headers=caller.headers, json={"data": data}).status_code)

    threads = [threading.Thread(target=complete, args=c) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert len(_completions(reception, code)) == 3
    assert [t["element_id"] for t in reception.get(f"/api/v1/dossiers/{code}")
            .get_json()["tasks"]] == ["Task_Approve"]


def test_the_bounds_are_settings_checked_at_start():
    from api.config import settings_from_env
    settings = settings_from_env({"MOTCUA_SCRIPT_CPU_SECONDS": "1.5",
                                  "MOTCUA_SCRIPT_WALL_SECONDS": "3",
                                  "MOTCUA_SCRIPT_MEMORY_MB": "256",
                                  "MOTCUA_SCRIPT_OUTPUT_BYTES": "65536",
                                  "MOTCUA_MAX_INSTANCES": "50"}, 2_000_000)
    from engine.dossier.workflow import bounds
    assert bounds(settings) == Bounds(1.5, 3, 256, 65536, 50)
    for variable, value in (("MOTCUA_SCRIPT_WALL_SECONDS", "1"),  # under the CPU bound
                            ("MOTCUA_SCRIPT_CPU_SECONDS", "nan"),
                            ("MOTCUA_MAX_INSTANCES", "0"), ("MOTCUA_SCRIPT_MEMORY_MB", "8")):
        with pytest.raises(RuntimeError, match=variable):
            settings_from_env({variable: value}, 2_000_000)


# --- real processes: gunicorn workers and a scheduler on the wall clock ---

def _deploy_raw(server, token, code, xml):
    status, body = call(server.base, "POST", "/api/v1/procedures", {
        "code": code, "name": code, "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 5, "unit": "working_days"}}, token)
    assert status == 201, body
    request = urllib.request.Request(f"{server.base}/api/v1/procedures/{code}/versions",
                                     data=xml, method="POST")
    request.add_header("Content-Type", "application/xml")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def _open(server, token, procedure, n):
    status, body = call(server.base, "POST", "/api/v1/dossiers", {
        "procedure": procedure, "applicant": {"name": "A"}, "channel": "direct",
        "data": {"n": n}}, token)
    assert status == 201, body
    return body


class Watch(threading.Thread):
    """Calls `probe()` again and again until stopped; keeps (status, seconds) of each."""

    def __init__(self, probe):
        super().__init__(daemon=True)
        self.probe, self.seen, self.stopping = probe, [], threading.Event()

    def run(self):
        while not self.stopping.is_set():
            started = time.monotonic()
            status, body = self.probe()
            self.seen.append((status, time.monotonic() - started, body))
            self.stopping.wait(0.1)

    def stop(self):
        self.stopping.set()
        self.join(30)
        return self.seen


def test_minutes_of_c_in_a_diagram_hold_up_no_one(live_env):
    server = Gunicorn(live_env, workers=2).start()
    scheduler = Scheduler(live_env, "bounded")
    try:
        scheduler.wait_for(lambda s: any("running" in line for line in s.lines), 60)
        designer = server.token("designer", "designer-demo")
        _deploy_raw(server, designer, "HEAVY.1", heavy_bpmn("heavy_step", DECIDE))
        _deploy_raw(server, designer, "HEAVY.2", heavy_bpmn("heavy_timer", WAIT))
        reception = server.token("reception", "reception-demo")
        officer = server.token("officer", "officer-demo")
        step = _open(server, reception, "HEAVY.1", 10)
        task = step["tasks"][0]
        assert call(server.base, "POST", f"/api/v1/tasks/{task['id']}/claim", None,
                    officer)[0] == 200
        health = Watch(lambda: call(server.base, "GET", "/healthz"))
        writes = Watch(lambda: call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "HEAVY.1", "applicant": {"name": "B"}, "channel": "direct"},
            reception))
        health.start()
        writes.start()
        heavy_timer = _open(server, reception, "HEAVY.2", 10)  # due in 1 s: minutes of C
        light_timer = _open(server, reception, "HEAVY.2", 1)  # another dossier's timer
        started = time.monotonic()
        status, body = call(server.base, "POST", f"/api/v1/tasks/{task['id']}/complete",
                            {"data": {}}, officer)
        answered = time.monotonic() - started
        scheduler.wait_for(lambda s: s.fired >= 2, 60)
        polls, opened = health.stop(), writes.stop()
        assert status == 200 and answered < 10, (status, answered, body)
        leader = server.token("leader", "leader-demo")
        for dossier in (step, heavy_timer):
            _, read = call(server.base, "GET", f"/api/v1/dossiers/{dossier['code']}", None,
                           leader)
            assert read["status"] == "incident" and read["incident"]["element_id"] == "Gate"
            assert read["incident"]["message"].startswith("ScriptTimeout: ")
        _, light = call(server.base, "GET", f"/api/v1/dossiers/{light_timer['code']}", None,
                        leader)
        assert [t["element_id"] for t in light["tasks"]] == ["Task_After"]
        assert polls and {s for s, _, _ in polls} == {200}
        assert max(seconds for _, seconds, _ in polls) < 1.5, polls
        ages = [b["scheduler_heartbeat_age_seconds"] for _, _, b in polls]
        assert max(age for age in ages if age is not None) < 15, ages
        assert opened and {s for s, _, _ in opened} == {201}, opened
        assert max(seconds for _, seconds, _ in opened) < 3, [s for _, s, _ in opened]
    finally:
        scheduler.kill()
        server.kill()
