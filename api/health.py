"""Operations endpoints: `/healthz` (database, scheduler heartbeat) and `/metrics`."""
import time

from flask import Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from engine.scheduler import heartbeat_age

REQUESTS = Counter("motcua_http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram("motcua_http_request_seconds", "HTTP request latency", ["method"])


def healthz():
    session = current_app.extensions["motcua.db"].session
    clock = current_app.extensions["motcua.clock"]
    try:
        age = heartbeat_age(session, clock.now())
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        current_app.logger.exception("health check failed")
        age, database = None, "unreachable"
    body = {"status": "ok" if database == "ok" else "failing", "database": database,
            "scheduler_heartbeat_age_seconds": age}
    return jsonify(body), 200 if database == "ok" else 503


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
