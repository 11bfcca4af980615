"""A real server killed with SIGKILL loses no acknowledged work: after a
restart, every completion answered 200 is still there. `flask run` killed
between requests, and the must-show: gunicorn -w 4 (WEB_CONCURRENCY=4) started
on an empty SQLite database, killed (master and workers at once) in the middle
of a stream of completions from several clients and started again, serves
every dossier, has lost no acknowledged completion, and its event log verifies
(`flask audit verify`)."""
import http.client
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from .api.helpers import APPLICANT
from .processes import ROOT, Gunicorn, Server, call, flask, platform_env

FIRST_STEP = {"business_name": "A", "capital": 1, "needs_inspection": False}


def test_sigkill_loses_no_completed_task(live_env):
    server = Server(live_env).start()
    try:
        token = server.token("reception", "reception-demo")
        status, dossier = call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "1.001612", "handling_unit": "UBND.PHUHOI", "applicant": APPLICANT,
            "channel": "direct"}, token)
        assert status == 201, dossier
        task_id = dossier["tasks"][0]["id"]
        assert call(server.base, "POST", f"/api/v1/tasks/{task_id}/claim", {}, token)[0] == 200
        status, done = call(server.base, "POST", f"/api/v1/tasks/{task_id}/complete",
                            {"data": FIRST_STEP}, token)
        assert status == 200, done
    finally:
        server.kill()
    server.start()
    try:
        status, after = call(server.base, "GET", f"/api/v1/dossiers/{dossier['code']}",
                             token=token)
        assert status == 200
        assert sorted(t["element_id"] for t in after["tasks"]) == ["Task_Fee", "Task_Review"]
        _, history = call(server.base, "GET", f"/api/v1/dossiers/{dossier['code']}/history",
                          token=token)
        assert [e["type"] for e in history].count("task.completed") == 1
    finally:
        server.kill()


def _open(server, token, count, clients=8):
    """`count` dossiers opened at the desk by several clients at once."""
    def one(_):
        status, dossier = call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "1.001612", "handling_unit": "UBND.PHUHOI", "applicant": APPLICANT,
            "channel": "direct"}, token)
        assert status == 201, dossier
        return dossier["code"], dossier["tasks"][0]["id"]
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, range(count)))


def _complete_until_killed(server, token, batch, acknowledged, changed):
    """Claim and complete each task; record those answered 200; stop at the kill."""
    for code, task_id in batch:
        try:
            call(server.base, "POST", f"/api/v1/tasks/{task_id}/claim", {}, token)
            status, _ = call(server.base, "POST", f"/api/v1/tasks/{task_id}/complete",
                             {"data": FIRST_STEP}, token)
        except (OSError, http.client.HTTPException):
            return  # the server is gone: what was in flight is unacknowledged
        if status == 200:
            with changed:
                acknowledged.append((code, task_id))
                changed.notify_all()


def _stream_and_kill(server, token, opened, clients=8, before_kill=12):
    """Several clients complete the opened dossiers' first steps; once `before_kill`
    are acknowledged, the whole process group is SIGKILLed. The acknowledged ones."""
    acknowledged, changed = [], threading.Condition()
    threads = [threading.Thread(target=_complete_until_killed, daemon=True, args=(
        server, token, opened[i::clients], acknowledged, changed)) for i in range(clients)]
    for thread in threads:
        thread.start()
    with changed:
        assert changed.wait_for(lambda: len(acknowledged) >= before_kill, timeout=30)
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    return list(acknowledged)


def _all_there(server, token, opened, acknowledged):
    """Every dossier answers; every acknowledged completion is stored with its one
    `task.completed` event; any other step is whole: completed with one event, or
    not completed and without one (a completion in flight at the kill)."""
    for code, task_id in opened:
        status, dossier = call(server.base, "GET", f"/api/v1/dossiers/{code}", token=token)
        assert status == 200, dossier
        status, task = call(server.base, "GET", f"/api/v1/tasks/{task_id}", token=token)
        assert status == 200, task
        _, history = call(server.base, "GET", f"/api/v1/dossiers/{code}/history", token=token)
        completed = [e["task_id"] for e in history if e["type"] == "task.completed"]
        done = task["status"] == "completed"
        assert completed == ([task_id] if done else []), (code, task["status"], completed)
        if (code, task_id) in acknowledged:
            assert done, (code, task)
        if done:
            assert sorted(t["element_id"] for t in dossier["tasks"]) == [
                "Task_Fee", "Task_Review"], dossier["tasks"]


@pytest.mark.timeout(120)
def test_gunicorn_sigkilled_mid_stream_loses_no_acknowledged_completion(tmp_path):
    data = tmp_path / "data"
    env = {**platform_env(None, data, secret_key=None), "WEB_CONCURRENCY": "4"}
    assert not data.exists()  # an empty SQLite: the gunicorn master prepares it
    # the demo people and the household procedure, loaded by the CLI on the same data
    # folder while gunicorn starts (both prepare it: the start-up lock makes one migrate)
    demo = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "load-demo"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    server = Gunicorn(env, workers=4)
    try:
        server.start()
        assert demo.wait(timeout=40) == 0, demo.stdout.read()
        token = server.token("reception", "reception-demo")
        opened = _open(server, token, 48)
        acknowledged = _stream_and_kill(server, token, opened)
    finally:
        if demo.poll() is None:
            demo.kill()
        server.kill()
    assert 12 <= len(acknowledged) < len(opened), "the kill came mid-stream"
    server.start()  # the same data folder, port and key: the token still works
    try:
        _all_there(server, token, opened, acknowledged)
    finally:
        server.kill()  # killed again: what was verified is what the log must vouch for
    verified = flask(env, "audit", "verify")  # check=True: exit status 0
    assert verified.returncode == 0, verified.stdout + verified.stderr
