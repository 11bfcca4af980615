"""The Flask application factory: `create_app(config=None)`.

Built from small `_register_*` steps; nothing but extension objects is created
at import time, and building the app writes nothing: no data folder, database,
migration or key file. `api.setup.prepare(app)` does those (the gunicorn master,
the CLI commands that need a ready database), and each serving process does it
once before its first request, however it was started (unless AUTO_MIGRATE is off).

Logs (`engine.kernel.logs`) are set up first; each request gets an id, the sane
`X-Request-Id` it came with or a new one, echoed in the response and carried
by every log line of the request with the dossier code of its path; one line
per request says its route, status and duration (no query, no address).
"""
import re
import time
import uuid
from pathlib import Path

from flask import Flask, g, request

from engine.kernel import logs
from engine.dossier import workflow
from engine.kernel.uow import db
import web

from . import cli, errors, guards, headers, health, json_provider, presentation
from .config import from_env
from .fields import StoredId
from .openapi import api as rest
from .setup import make_clock, register_database, register_preparation, register_secret

WEB = Path(__file__).resolve().parent.parent / "web"


def create_app(config=None) -> Flask:
    config = config if config is not None else from_env()
    app = Flask(__name__, static_folder=str(WEB / "static"),
                template_folder=str(WEB / "templates"))
    app.config.from_object(config)
    _register_logging(app)
    app.config["MAX_CONTENT_LENGTH"] = max(config.MAX_DIAGRAM_BYTES,
                                           config.SETTINGS.max_document_bytes) * 2
    register_database(app, db)
    app.extensions["motcua.clock"] = make_clock(app, config)
    workflow.use_clock(app.extensions["motcua.clock"])
    register_preparation(app)  # before any other hook that may touch the database
    register_secret(app)
    json_provider.register(app)
    errors.register(app)
    guards.register(app)
    headers.register(app)
    presentation.register(app)
    app.url_map.converters["int"] = StoredId
    rest.init_app(app)
    _register_blueprints(app)
    health.register(app)
    web.register(app)
    cli.register(app)
    return app


def _register_blueprints(app):
    from . import (calendar_routes, documents, dossiers, lifecycle, monitor, monitor_steps,
                   notifications, people, procedures, slips, tasks)
    for module in (people, procedures, dossiers, lifecycle, documents, slips, tasks,
                   calendar_routes, notifications, monitor, monitor_steps):
        rest.register_blueprint(module.blp, url_prefix="/api/v1")
    if app.config["CLOCK_CONTROL"]:
        from . import admin
        rest.register_blueprint(admin.blp, url_prefix="/api/v1")


SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
DOSSIER_PATH = "/dossiers/<code>"
http_log = logs.get("http")


def _register_logging(app):
    logs.configure(app.config["SETTINGS"])
    app.before_request(_start_request_log)
    app.after_request(_request_line)
    app.teardown_request(_end_request_log)


def _start_request_log():
    given = request.headers.get("X-Request-Id", "")
    code = (request.view_args or {}).get("code")
    dossier = code if request.url_rule is not None and DOSSIER_PATH in request.url_rule.rule \
        and SANE_ID.match(str(code)) else None
    g.request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.monotonic()
    g.log_tokens = logs.enter(request_id=g.request_id, job_id=None, dossier=dossier)


def _request_line(response):
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-Id"] = request_id
    started = g.get("request_started")
    http_log.info("request", extra={
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule is not None else "<unmatched>",
        "status": response.status_code, "request_id": request_id,
        "duration_ms": round((time.monotonic() - started) * 1000, 1) if started else None})
    return response


def _end_request_log(_error=None):
    tokens = g.pop("log_tokens", None)
    if tokens is not None:
        logs.leave(tokens)
