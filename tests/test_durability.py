"""A real server killed with SIGKILL loses no acknowledged work: after a
restart, every completion answered 200 is still there. `flask run` killed
between requests, and gunicorn with four workers killed (master and workers at
once) in the middle of a stream of completions from several clients."""
import http.client
import threading

import pytest

from .api.helpers import APPLICANT
from .processes import Gunicorn, Server, call, flask, platform_env

FIRST_STEP = {"business_name": "A", "capital": 1, "needs_inspection": False}


def test_sigkill_loses_no_completed_task(live_env):
    server = Server(live_env).start()
    try:
        token = server.token("reception", "reception-demo")
        status, dossier = call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "1.001612", "applicant": APPLICANT, "channel": "direct"}, token)
        assert status == 201, dossier
        task_id = dossier["tasks"][0]["id"]
        assert call(server.base, "POST", f"/api/v1/tasks/{task_id}/claim", {}, token)[0] == 200
        status, done = call(server.base, "POST", f"/api/v1/tasks/{task_id}/complete", {
            "data": {"business_name": "A", "capital": 1, "needs_inspection": False}}, token)
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


def _open(server, token, count):
    opened = []
    for _ in range(count):
        status, dossier = call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "1.001612", "applicant": APPLICANT, "channel": "direct"}, token)
        assert status == 201, dossier
        opened.append((dossier["code"], dossier["tasks"][0]["id"]))
    return opened


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


@pytest.mark.timeout(120)
def test_gunicorn_sigkilled_mid_stream_loses_no_acknowledged_completion(tmp_path):
    env = platform_env(None, tmp_path / "data", secret_key=None)  # empty SQLite, kept key
    server = Gunicorn(env, workers=4).start()
    acknowledged, changed = [], threading.Condition()
    try:
        flask(env, "load-demo")
        token = server.token("reception", "reception-demo")
        opened = _open(server, token, 48)
        clients = [threading.Thread(target=_complete_until_killed, daemon=True, args=(
            server, token, opened[i::8], acknowledged, changed)) for i in range(8)]
        for client in clients:
            client.start()
        with changed:
            assert changed.wait_for(lambda: len(acknowledged) >= 12, timeout=60)
        server.kill()
        for client in clients:
            client.join(timeout=60)
    finally:
        server.kill()
    assert 12 <= len(acknowledged) < len(opened), "the kill came mid-stream"
    server.start()  # the same data folder, port and key: the token still works
    try:
        for code, _ in opened:
            assert call(server.base, "GET", f"/api/v1/dossiers/{code}", token=token)[0] == 200
        for code, task_id in acknowledged:
            status, task = call(server.base, "GET", f"/api/v1/tasks/{task_id}", token=token)
            assert (status, task["status"]) == (200, "completed"), task
            _, history = call(server.base, "GET", f"/api/v1/dossiers/{code}/history",
                              token=token)
            assert [e["task_id"] for e in history if e["type"] == "task.completed"] == [task_id]
    finally:
        server.stop()
