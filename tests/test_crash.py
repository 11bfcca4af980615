"""Crashes under load lose nothing and break nothing. A real gunicorn (three
workers) and two scheduler processes serve a steady stream of openings and
completions: the shipped business-household procedure and diagrams whose
boundary timer fires 1 to 3 seconds after a step opens. At seeded random
moments a web worker, the whole gunicorn or a scheduler is SIGKILLed and
started again. Then: every acknowledged completion is stored once, every due
timer fired exactly once, each dossier's state, task rows, timer rows and
event log agree, and the event chains verify.

Runs on the suite's database (SQLite in its first pass, PostgreSQL in the
second): both are deployments the README offers. The seed is printed; set
MOTCUA_CRASH_SEED to replay another."""
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from api.config import from_env
from engine.kernel import audit
from engine.kernel import events as event_log
from engine.dossier import status as statuses
from engine.dossier import workflow
from engine.store.dossiers import Dossier, Task
from engine.store.events import Event
from engine.store.timers import Timer

from .api.conftest_data import deploy_timed
from .api.helpers import APPLICANT
from .processes import ROOT, Gunicorn, Scheduler, call, flask, platform_env

SEED = int(os.environ.get("MOTCUA_CRASH_SEED", "8"))
LOAD_SECONDS = 30
CLIENTS = 4
TIMED = {"TIMED.1": "PT1S", "TIMED.2": "PT2S", "TIMED.3": "PT3S"}
PROCEDURES = ("1.001612", "1.001612", *TIMED)
ACTOR = {"Task_Check": "reception", "Task_Fee": "reception", "Task_Review": "officer",
         "Task_Approve": "leader", "Task_Handle": "officer", "Task_Escalated": "leader"}
DATA = {"Task_Check": {"business_name": "A", "capital": 1, "needs_inspection": False},
        "Task_Review": {"review_note": "Đủ điều kiện", "review_outcome": "ok"},
        "Task_Approve": {"decision": "approve", "decision_note": "Cấp"}}

pytestmark = pytest.mark.timeout(240)


class Load:
    """Client threads opening dossiers and walking their steps; each keeps what
    was acknowledged and every status answered."""

    def __init__(self, server):
        self.server, self.stop = server, threading.Event()
        self.tokens = {user: server.token(user, f"{user}-demo")  # the supervisor reads
                       for user in ("reception", "officer", "leader", "supervisor")}
        self.opened, self.acknowledged, self.statuses = [], [], Counter()
        self.server_errors = []

    def call(self, user, method, path, body=None):
        try:
            status, answer = call(self.server.base, method, path, body, self.tokens[user])
        except Exception:  # noqa: BLE001 - a killed worker: the outcome is unknown
            self.statuses["no answer"] += 1
            self.stop.wait(0.05)  # gunicorn may be restarting: do not spin
            return None, None
        self.statuses[status] += 1
        if status >= 500:
            self.server_errors.append((method, path, status, answer))
        return status, answer

    def run(self, index):
        rng, mine = random.Random(f"{SEED}:{index}"), []
        while not self.stop.is_set():
            if mine and rng.random() < 0.25:  # come back to one waiting for its timer
                code = rng.choice(mine)
                status, dossier = self.call("supervisor", "GET", f"/api/v1/dossiers/{code}")
                self.walk(rng, code, dossier["tasks"] if status == 200 else [])
                continue
            status, dossier = self.call("reception", "POST", "/api/v1/dossiers", {
                "procedure": rng.choice(PROCEDURES), "applicant": APPLICANT,
                "channel": "direct"})
            if status == 201:
                self.opened.append(dossier["code"])
                mine.append(dossier["code"])
                self.walk(rng, dossier["code"], dossier["tasks"])

    def walk(self, rng, code, tasks):
        for _ in range(6):
            if self.stop.is_set() or not tasks:
                return
            task = rng.choice(tasks)
            element = task["element_id"]
            if element == "Task_Handle" and rng.random() < 0.5:
                return  # left to its boundary timer
            tasks = self.step(code, task, ACTOR[element], DATA.get(element, {}))

    def step(self, code, task, user, data):
        """Claim and complete; returns the dossier's open tasks as last seen."""
        path = f"/api/v1/tasks/{task['id']}"
        if self.call(user, "POST", f"{path}/claim", {})[0] == 200:
            status, done = self.call(user, "POST", f"{path}/complete", {"data": data})
            if status == 200:
                self.acknowledged.append((code, task["id"]))
                return done["tasks"]
        status, dossier = self.call("supervisor", "GET", f"/api/v1/dossiers/{code}")
        return dossier["tasks"] if status == 200 else []


def _chaos(rng, server, schedulers, env, changed, kills):
    """Kill something every 1 to 3 seconds for LOAD_SECONDS; restart what died."""
    end = time.monotonic() + LOAD_SECONDS
    while time.monotonic() < end:
        threading.Event().wait(rng.uniform(1.0, 3.0))  # a pause between kills
        dice = rng.random()
        if dice < 0.5:
            server.kill_worker(rng.choice(server.worker_pids()))
            kills["web worker"] += 1
        elif dice < 0.85:
            index = rng.randrange(len(schedulers))
            schedulers[index].kill()
            kills["scheduler"] += 1
            schedulers[index] = Scheduler(env, f"sched-{sum(kills.values())}", changed)
        else:
            server.kill()  # master and workers at once
            kills["whole gunicorn"] += 1
            server.start()


def _drain(db, schedulers, deadline=45):
    """Wait (bounded) until no BPMN timer is left to fire and nothing is overdue."""
    end = time.monotonic() + deadline
    while True:
        db.rollback()
        now = datetime.now(timezone.utc)
        left = db.scalars(select(Timer).where(Timer.fired_at.is_(None),
                                              Timer.cancelled_at.is_(None))).all()
        waiting = [t for t in left if t.kind == "bpmn" or t.due_at <= now]
        if not waiting:
            return now
        if time.monotonic() > end:
            stuck = [(t.id, t.kind, t.due_at, t.lock_owner, t.lock_expires_at, t.attempts,
                      t.last_error) for t in waiting[:5]]
            pytest.fail(f"timers never fired: {stuck}; schedulers say "
                        f"{[(s.name, s.lines[-3:]) for s in schedulers]}")
        threading.Event().wait(0.25)


@pytest.fixture
def env(app, database_url, tmp_path):
    """The platform's processes on the test database, demo loaded, sharing this
    process's audit key (the timed diagrams are deployed from here); a killed
    scheduler's leases run out after 3 s."""
    settings = app.config["SETTINGS"]
    key = {"audit_key": settings.audit_key} if settings.audit_key else {}
    env = platform_env(database_url, tmp_path, timer_lease_seconds=3, **key)
    flask(env, "load-demo")
    return env


def test_kills_under_load_lose_and_break_nothing(env, login_as, db, admin_ctx):
    designer = login_as("designer")
    for code, duration in TIMED.items():
        deploy_timed(designer, code=code, duration=duration)
    changed, kills = threading.Condition(), Counter()
    schedulers = [Scheduler(env, "sched-a", changed), Scheduler(env, "sched-b", changed)]
    server = Gunicorn(env, workers=3).start()
    clients = []
    try:
        load = Load(server)
        clients = [threading.Thread(target=load.run, args=(i,), daemon=True)
                   for i in range(CLIENTS)]
        for client in clients:
            client.start()
        _chaos(random.Random(SEED), server, schedulers, env, changed, kills)
        load.stop.set()
        for client in clients:
            client.join(timeout=60)
        drained_at = _drain(db, schedulers)
    finally:
        hung = [client.is_alive() for client in clients]
        for scheduler in schedulers:
            scheduler.kill()
        server.kill()
    assert not any(hung), "a client thread hung"
    print(f"seed {SEED}: kills {dict(kills)}; {len(load.opened)} dossiers opened, "
          f"{len(load.acknowledged)} completions acknowledged; answers {dict(load.statuses)}")
    assert load.server_errors == []
    assert kills["web worker"] and kills["scheduler"] and len(load.acknowledged) >= 20
    db.rollback()
    report = check_consistency(db, admin_ctx, load.opened, load.acknowledged, drained_at)
    print(f"checked {report}")
    assert report["bpmn timers fired"] > 0, "no timer fired during the run"
    verify_chains(env, db)


def check_consistency(db, ctx, opened, acknowledged, drained_at):
    """Assert the invariants over the whole database; returns what was counted."""
    dossiers = db.scalars(select(Dossier)).all()
    assert set(opened) <= {dossier.code for dossier in dossiers}
    log = db.scalars(select(Event).order_by(Event.stream, Event.seq)).all()
    seqs = defaultdict(list)
    for event in log:
        seqs[event.stream].append(event.seq)
    assert {s: q for s, q in seqs.items() if q != list(range(1, len(q) + 1))} == {}
    per_task = Counter((event.task_id, event.type) for event in log if event.task_id)
    for _code, task_id in acknowledged:
        assert db.get(Task, task_id).status == "completed", task_id
        assert per_task[(task_id, "task.completed")] == 1, task_id
    _check_tasks(db.scalars(select(Task)).all(), per_task)
    timers = db.scalars(select(Timer)).all()
    fired = _check_timers(timers, log, drained_at)
    for dossier in dossiers:
        _check_dossier(ctx, dossier, [t for t in timers if t.dossier_id == dossier.id], log)
    return {"dossiers": len(dossiers), "events": len(log), "streams": len(seqs),
            "tasks": sum(len(d.tasks) for d in dossiers), "bpmn timers fired": fired}


def _check_tasks(tasks, per_task):
    ends = {"open": (0, 0), "completed": (1, 0), "cancelled": (0, 1)}
    for task in tasks:
        assert per_task[(task.id, "task.opened")] == 1, task.id
        assert (per_task[(task.id, "task.completed")],
                per_task[(task.id, "task.cancelled")]) == ends[task.status], task.id


def _check_timers(timers, log, drained_at):
    """Every due timer fired once; one timer.fired event per fired BPMN timer row."""
    events = Counter(event.detail["timer_id"] for event in log if event.type == "timer.fired")
    for timer in timers:
        assert not (timer.fired_at and timer.cancelled_at), timer.id
        if timer.due_at <= drained_at and timer.cancelled_at is None:
            assert timer.fired_at is not None, (timer.id, timer.kind, timer.last_error)
        if timer.fired_at is not None:
            assert timer.fired_at >= timer.due_at, timer.id
        if timer.kind == "bpmn":
            assert events.pop(timer.id, 0) == (1 if timer.fired_at else 0), timer.id
    assert events == {}, "timer.fired events of no BPMN timer row"
    return sum(1 for timer in timers if timer.kind == "bpmn" and timer.fired_at)


def _check_dossier(ctx, dossier, timers, log):
    """State, task rows, timer rows and events of one dossier agree."""
    instance = workflow.load(ctx, dossier)
    open_rows = {task.id for task in dossier.tasks if task.status == "open"}
    assert open_rows == {view.id for view in instance.ready_tasks()}, dossier.code
    if dossier.status in (*statuses.CLOSED, statuses.RESOLVED):
        assert not open_rows, dossier.code
    live = {t.task_id for t in timers if t.kind == "bpmn" and not (t.fired_at or t.cancelled_at)}
    assert live == {view.task_id for view in instance.waiting_timers() if view.due_at}
    fired = sum(1 for t in timers if t.kind == "bpmn" and t.fired_at)
    escalated = sum(1 for task in dossier.tasks if task.element_id == "Task_Escalated")
    assert escalated == fired, dossier.code  # each firing took the boundary path once
    resolved = sum(1 for e in log if e.stream == dossier.code and e.type == "dossier.resolved")
    assert resolved == (1 if dossier.status == statuses.RESOLVED else 0), dossier.code


def verify_chains(env, db):
    """`flask audit verify` where it exists (exit 0), else every stream's chain here."""
    def flask(*args):
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if flask("audit", "--help").returncode == 0:
        verified = flask("audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        return
    streams = db.scalars(select(Event.stream).distinct()).all()
    keyring = audit.keyring(from_env(env).SETTINGS)
    assert {s: event_log.verify_stream(db, s, keyring) for s in streams} == dict.fromkeys(streams)
