"""Request guards that run before any route: what bodies the API accepts.

Write requests carry JSON (deploy also takes XML or multipart); a JSON body
is limited in size, may not hold NUL characters (PostgreSQL cannot store
them), and may not nest deeper than the parser allows.
"""
import json

from flask import current_app, request

from engine.errors import BadRequest, DomainError, TooLarge

UPLOAD_TYPES = {"application/xml", "text/xml", "application/bpmn+xml", "multipart/form-data"}
UPLOAD_ENDPOINTS = {"procedures.deploy", "documents.upload_document"}


class UnsupportedMediaType(DomainError):
    title = "Unsupported media type"
    status = 415


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
        body = request.get_data(cache=True)
        if b"\\u0000" in body:
            raise BadRequest("Text may not contain NUL characters.")
        try:
            json.loads(body)
        except RecursionError:
            raise BadRequest("The JSON is nested too deeply.") from None
        except ValueError:
            pass  # the route's parser reports malformed JSON in its own words


def register(app):
    app.before_request(check_body)
