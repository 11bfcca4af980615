"""Real platform processes for tests: the web server (`flask run`, or gunicorn
with the repository's gunicorn.conf.py), scheduler processes, and a small HTTP
client. Waiting is done by reading what the processes print, never by sleeping."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRED = re.compile(r"timers fired .*\bfired=(\d+)")  # the scheduler's log line (text format)


def platform_env(database_url, data_dir, secret_key="process-tests", **settings):
    """No `database_url`: SQLite in `data_dir`; no `secret_key`: the one kept there."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MOTCUA_")}
    env.update({"MOTCUA_DATA_DIR": str(data_dir), "MOTCUA_ADMIN_USER": "admin",
                "MOTCUA_ADMIN_PASSWORD": "admin-process-tests"})
    if database_url:
        env["MOTCUA_DATABASE_URL"] = database_url
    if secret_key:
        env["MOTCUA_SECRET_KEY"] = secret_key
    env.update({f"MOTCUA_{key.upper()}": str(value) for key, value in settings.items()})
    return env


def flask(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=env, check=True, capture_output=True, text=True, **kwargs)


def call(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, method=method, data=data)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`flask run` on a free port; `start()` returns when it listens."""

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
                return self
        raise RuntimeError("server did not start")

    def token(self, username, password):
        return call(self.base, "POST", "/api/v1/auth/token",
                    {"username": username, "password": password})[1]["access_token"]

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


class Gunicorn(Server):
    """`gunicorn -c gunicorn.conf.py -w N wsgi:app` in a process group of its own;
    `start()` returns when every worker has loaded the app (the config's
    post_worker_init line); `kill()` SIGKILLs the master and its workers at once."""

    def __init__(self, env, workers=4):
        super().__init__(env)
        self.workers, self.lines = workers, []
        self.changed = threading.Condition()  # told of every line gunicorn prints

    def start(self):
        self.lines = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w",
             str(self.workers), "wsgi:app"], cwd=ROOT, env={**self.env, "PORT": str(self.port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        ready = 0
        for line in self.process.stderr:
            self.lines.append(line.rstrip())
            ready += "Worker ready" in line
            if ready == self.workers:
                threading.Thread(target=self._read, daemon=True).start()
                return self
        self.process.wait(timeout=10)
        raise RuntimeError("gunicorn did not start:\n" + "\n".join(self.lines[-20:]))

    def _read(self):
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line.rstrip())
                self.changed.notify_all()

    def worker_pids(self) -> list[int]:
        """The master's live children: its workers (sorted, for seeded choices)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in path.read_text().split())

    def kill_worker(self, pid, timeout=60):
        """SIGKILL one worker; return when the master's replacement has loaded the app."""
        with self.changed:
            ready = sum("Worker ready" in line for line in self.lines)
        os.kill(pid, signal.SIGKILL)
        with self.changed:
            if not self.changed.wait_for(lambda: sum(
                    "Worker ready" in line for line in self.lines) > ready, timeout):
                raise TimeoutError("no worker replaced " + str(pid) + ":\n"
                                   + "\n".join(self.lines[-10:]))

    def running(self):
        return self.process.poll() is None

    def kill(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the whole group is gone already
        self.process.wait(timeout=10)

    def stop(self):
        """SIGTERM: a graceful stop of the master and its workers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=40)


class Scheduler:
    """`flask scheduler run`; its log lines ("scheduler running", "timers claimed",
    "timers fired ... fired=N") are collected so a test can wait for what it needs."""

    def __init__(self, env, name, changed=None):
        self.name, self.fired, self.lines = name, 0, []
        self.changed = changed or threading.Condition()  # share one to wait on several
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run", "--name", name],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.strip())
                fired = FIRED.search(line)
                if fired:
                    self.fired += int(fired.group(1))
                self.changed.notify_all()
        with self.changed:
            self.lines.append("<exit>")
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=120):
        with self.changed:
            if not self.changed.wait_for(lambda: predicate(self) or "<exit>" in self.lines,
                                         timeout):
                raise TimeoutError(f"{self.name}: {self.lines[-5:]}")
            return predicate(self)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
