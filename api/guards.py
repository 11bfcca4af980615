"""Request guards that run before any route: what bodies the API accepts.

Write requests carry JSON (deploy also takes XML or multipart); a JSON body
is limited in size, may not hold NUL characters (PostgreSQL cannot store
them), and may not nest deeper than the parser allows.
"""
import json

from flask import current_app, request
from flask.json.provider import DefaultJSONProvider

from engine.errors import BadRequest, DomainError, TooLarge

UPLOAD_TYPES = {"application/xml", "text/xml", "application/bpmn+xml", "multipart/form-data"}
UPLOAD_ENDPOINTS = {"procedures.deploy"}


class UnsupportedMediaType(DomainError):
    title = "Unsupported media type"
    status = 415


class SafeJSONProvider(DefaultJSONProvider):
    """Over-deep JSON is a malformed request, not a server error."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", "", 0) from None


def check_body():
    if request.method not in ("POST", "PUT", "PATCH") or not request.content_length:
        return
    allowed = {"application/json"} | (UPLOAD_TYPES if request.endpoint in UPLOAD_ENDPOINTS
                                      else set())
    if request.mimetype not in allowed:
        raise UnsupportedMediaType(f"Send {' or '.join(sorted(allowed))}.")
    if request.mimetype == "application/json":
        if request.content_length > current_app.config["MAX_JSON_BYTES"]:
            raise TooLarge(f"A JSON body may hold {current_app.config['MAX_JSON_BYTES']} "
                           "bytes at most.")
        if b"\\u0000" in request.get_data(cache=True):
            raise BadRequest("Text may not contain NUL characters.")


def register(app):
    app.json = SafeJSONProvider(app)
    app.before_request(check_body)
