"""The Flask application factory: `create_app(config=None)`.

Built from small `_register_*` steps; nothing but extension objects is created
at import time, and building the app writes nothing: no data folder, database,
migration or key file. `api.setup.prepare(app)` does those, once, before serving
(the gunicorn master, the CLI commands that need a ready database).
"""
from pathlib import Path

from flask import Flask

from engine import bpmn
from engine import people as people_service
from engine.store import db

from . import cli, errors, guards, headers, health, json_provider
from .config import from_env
from .fields import StoredId
from .openapi import api as rest
from .setup import make_clock, register_database, register_secret

WEB = Path(__file__).resolve().parent.parent / "web"


def create_app(config=None) -> Flask:
    config = config if config is not None else from_env()
    app = Flask(__name__, static_folder=str(WEB / "static"),
                template_folder=str(WEB / "templates"))
    app.config.from_object(config)
    app.config["MAX_CONTENT_LENGTH"] = max(config.MAX_DIAGRAM_BYTES,
                                           config.MAX_DOCUMENT_BYTES) * 2
    register_database(app, db)
    app.extensions["motcua.clock"] = make_clock(app, config)
    bpmn.use_clock(app.extensions["motcua.clock"])
    register_secret(app)
    json_provider.register(app)
    errors.register(app)
    guards.register(app)
    headers.register(app)
    app.url_map.converters["int"] = StoredId
    rest.init_app(app)
    _register_blueprints(app)
    health.register(app)
    cli.register(app)
    people_service.PASSWORD_HASH_METHOD = config.PASSWORD_HASH_METHOD
    return app


def _register_blueprints(app):
    from . import (calendar_routes, documents, dossiers, lifecycle, notifications, people,
                   procedures, slips, tasks)
    for module in (people, procedures, dossiers, lifecycle, documents, slips, tasks,
                   calendar_routes, notifications):
        rest.register_blueprint(module.blp, url_prefix="/api/v1")
    if app.config["CLOCK_CONTROL"]:
        from . import admin
        rest.register_blueprint(admin.blp, url_prefix="/api/v1")
