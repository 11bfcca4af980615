"""A real server process killed with SIGKILL between requests loses no
acknowledged work: after a restart, the completed task is still completed."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .api.helpers import APPLICANT

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(base, method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Server:
    def __init__(self, env):
        self.env, self.port, self.process = env, _free_port(), None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in self.process.stderr:  # the server says when it listens
            if "Running on" in line:
                threading.Thread(target=self.process.stderr.read, daemon=True).start()
                return
        raise RuntimeError("server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def server_env(app, database_url, tmp_path):
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_DATA_DIR": str(tmp_path),
           "MOTCUA_SECRET_KEY": "durability", "MOTCUA_ADMIN_USER": "admin",
           "MOTCUA_ADMIN_PASSWORD": "admin-durability"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "load-demo"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    return env


def test_sigkill_loses_no_completed_task(server_env):
    server = Server(server_env)
    server.start()
    try:
        _, token = _call(server.base, "POST", "/api/v1/auth/token",
                         {"username": "reception", "password": "reception-demo"})
        token = token["access_token"]
        status, dossier = _call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "1.001612", "applicant": APPLICANT, "channel": "direct"}, token)
        assert status == 201, dossier
        task_id = dossier["tasks"][0]["id"]
        assert _call(server.base, "POST", f"/api/v1/tasks/{task_id}/claim", {}, token)[0] == 200
        status, done = _call(server.base, "POST", f"/api/v1/tasks/{task_id}/complete", {
            "data": {"business_name": "A", "capital": 1, "needs_inspection": False}}, token)
        assert status == 200, done
    finally:
        server.kill()
    server.start()
    try:
        status, after = _call(server.base, "GET", f"/api/v1/dossiers/{dossier['code']}",
                              token=token)
        assert status == 200
        assert sorted(t["element_id"] for t in after["tasks"]) == ["Task_Fee", "Task_Review"]
        _, history = _call(server.base, "GET", f"/api/v1/dossiers/{dossier['code']}/history",
                           token=token)
        assert [e["type"] for e in history].count("task.completed") == 1
    finally:
        server.kill()
