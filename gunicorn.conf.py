"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (`make run`).

The master prepares the platform (`api.setup.prepare`: data folder, migrations,
first administrator, secret key) in `on_starting`, before any worker forks;
each worker's own check before its first request (`register_preparation`)
then finds nothing to do. Command-line options override these.
The `MOTCUA_*` settings are read and checked when this file loads: a bad one
stops gunicorn with one line naming it, before it starts anything. gunicorn's
own lines are written in the platform's log format (`engine.kernel.logs`); requests
are logged by the application (with their request id, without the caller's
address), so gunicorn keeps no access log of its own. `/metrics` sums every
worker's request figures (Prometheus multiprocess mode, `METRICS_DIR` below).
"""
import json
import os
import shutil
import tempfile
from pathlib import Path

import gunicorn.http.wsgi
from gunicorn import glogging, util

from api.config import ConfigError, from_env, server_from_env
from engine.kernel import logs


try:
    SETTINGS = from_env().SETTINGS
    PORT, WORKERS = server_from_env()
except ConfigError as error:
    raise SystemExit(f"Error: {error}") from None


class _Logger(glogging.Logger):
    """gunicorn's own lines (master, workers) in the platform's log format."""

    def setup(self, cfg):
        super().setup(cfg)
        logs.adopt(SETTINGS, self.error_log, self.access_log)


logger_class = _Logger
bind = f"127.0.0.1:{PORT}"
workers = WORKERS
# Slow clients. A gthread worker's main thread accepts and polls; a connection
# takes a pool thread once its first bytes arrive, and a request sent halfway
# keeps that thread until the client finishes or leaves (gunicorn has no
# header-read deadline), while the worker goes on accepting and queueing new
# connections behind its busy threads. With 4 threads, 8 half-sent requests
# stalled the service. So each worker has far more threads than a handful of
# stalled sockets can hold (2 workers x 32 threads: 16 such sockets, even all on
# one worker, leave it 16 threads; tests/test_slow_clients.py). Idle threads
# cost little memory; a request needing the database waits for the pool (5 + 10
# connections per worker), not for a thread. A connection that sends nothing is
# dropped after gunicorn's 5 s wait plus `keepalive`. Facing the internet, put a
# buffering proxy (nginx) in front: it holds slow clients, not gunicorn.
worker_class = "gthread"
threads = 32
keepalive = 2  # also how long a silent connection is kept after that wait
timeout = 60  # the arbiter's heartbeat check (the main loop, not a request)
graceful_timeout = 30
# Requests gunicorn refuses itself (answered by `_problem` below). The app's own
# limit on the URI (api.guards.MAX_URI, 4096) is below the request line's, so an
# over-long URI normally gets the app's 414.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# gunicorn 25+ opens a control socket at one path per user, which every instance
# on the machine would share; `gunicornc` is not part of how motcua is run.
control_socket_disable = True
# Prometheus multiprocess mode (api/health.py): each worker keeps its request
# figures in files in this folder, and a scrape sums them all whichever worker
# answers it. gunicorn sets `raw_env` in the master's environment before
# `on_starting`, so prometheus_client, first imported when the master builds the
# app there, starts in that mode and the workers inherit it. One folder per
# master, emptied at start and removed at exit; a reload (HUP) keeps it, and the
# counts. (`-e` on the command line replaces `raw_env`: then each worker would
# count alone.)
METRICS_DIR = Path(tempfile.gettempdir()) / f"motcua-metrics-{os.getpid()}"
raw_env = [f"PROMETHEUS_MULTIPROC_DIR={METRICS_DIR}"]


def on_starting(server):
    """In the master, once: a failure here stops gunicorn before any worker starts."""
    from api import create_app
    from api.setup import prepare

    _fresh_metrics_dir()  # before the app: its metrics open their files there
    if "PROMETHEUS_MULTIPROC_DIR" not in server.cfg.env:
        server.log.warning("-e replaced raw_env: /metrics counts only the worker answering")
    app = create_app()
    prepare(app)
    logs.configure(SETTINGS)  # a migration replaced the root's handlers
    with app.app_context():  # workers fork from here: they must not share connections
        app.extensions["motcua.db"].engine.dispose()


def _fresh_metrics_dir():
    """Empty at each start, as prometheus_client asks: a folder left by an earlier
    master with the same pid goes (`rmtree` refuses a symbolic link: the start stops)."""
    if os.path.lexists(METRICS_DIR):
        shutil.rmtree(METRICS_DIR)
    METRICS_DIR.mkdir(mode=0o700)


def on_reload(server):
    """A reloaded daemon's master (its pid changed) names another folder."""
    METRICS_DIR.mkdir(mode=0o700, exist_ok=True)


def child_exit(server, worker):
    """A worker ended: its live gauge (requests in progress) leaves the sums; its
    counters and histograms stay, so no count goes back."""
    from prometheus_client import multiprocess  # imported by now (`on_starting`)

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))


def on_exit(server):
    shutil.rmtree(METRICS_DIR, ignore_errors=True)


def post_worker_init(worker):
    """Says when a worker has built the app (tests wait for it; `Booting` comes before)."""
    worker.log.info("Worker ready (pid: %s)", worker.pid)


# What the server tells about itself: a neutral name, not gunicorn's name and
# version. gunicorn drops a `Server` header set by the application and writes
# this module global (read per response) instead.
SERVER_NAME = "motcua"
gunicorn.http.wsgi.SERVER = SERVER_NAME


def _problem(sock, status_int, reason, mesg):
    """gunicorn's own refusals (request line or headers too large, a malformed
    request) in the API's format, problem+json, instead of its HTML page."""
    body = json.dumps({"type": "about:blank", "title": reason, "status": status_int,
                       "detail": mesg or reason}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nServer: {SERVER_NAME}\r\n"
            "Content-Type: application/problem+json\r\nX-Content-Type-Options: nosniff\r\n"
            "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = _problem  # the workers call it as `util.write_error(...)`
