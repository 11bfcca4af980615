"""Operations endpoints: `/healthz` (database, scheduler heartbeat) and `/metrics`."""
import time

from flask import Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from engine.scheduling.scheduler import heartbeat_age

REQUESTS = Counter("motcua_http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram("motcua_http_request_seconds", "HTTP request latency", ["method"])


def healthz():
    """200 `ok`; 503 `degraded` when the database is unreachable, or no scheduler has
    beaten within `heartbeat_max_age_seconds` (or ever: then nothing fires timers,
    reminders or e-mail). `problems` says why."""
    session = current_app.extensions["motcua.db"].session
    clock = current_app.extensions["motcua.clock"]
    max_age = current_app.config["SETTINGS"].heartbeat_max_age_seconds
    try:
        age = heartbeat_age(session, clock.now())
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        current_app.logger.exception("health check failed")
        age, database = None, "unreachable"
    problems = _problems(database, age, max_age)
    body = {"status": "degraded" if problems else "ok", "database": database,
            "scheduler_heartbeat_age_seconds": age, "heartbeat_max_age_seconds": max_age,
            "problems": problems}
    return jsonify(body), 503 if problems else 200


def _problems(database, age, max_age) -> list[str]:
    if database != "ok":
        return ["database unreachable"]
    if age is None:
        return ["no scheduler heartbeat yet: no scheduler process has run"]
    if age > max_age:
        return [f"scheduler heartbeat is {age:g} s old (more than {max_age} s)"]
    return []


def metrics():
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def _start_timer():
    g.motcua_started = time.perf_counter()


def _count(response):
    started = g.pop("motcua_started", None)
    if started is not None:
        LATENCY.labels(request.method).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, str(response.status_code)).inc()
    return response


def register(app):
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/metrics", "metrics", metrics)
    app.before_request(_start_timer)
    app.after_request(_count)
