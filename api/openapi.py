"""The flask-smorest `Api` object, and how the served OpenAPI document tells
errors: every operation lists the problem+json (RFC 9457) answers it can give.

Those any request can meet (a malformed or hostile request, a missing token, a
body over the limit or of the wrong type, an internal error) are added to every
operation by `ProblemPlugin`, from the request guards' rules; a route names its
own (403, 404, 409, 422, 429, ...) with `@problems(...)`.
"""
import http
from copy import deepcopy

from apispec import BasePlugin
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

PROBLEM = "application/problem+json"
BODY_METHODS = ("post", "put", "patch")  # the methods whose body the guards check

# What each problem means in this API (API.md, "Conventions"); the phrase otherwise
MEANING = {
    400: "Malformed request: unparseable JSON, NaN or control characters in the "
         "path, query, headers or body, a body not shaped as the route takes",
    401: "No bearer token, or one that expired, was revoked or is not valid",
    403: "The caller's role does not allow this",
    404: "No such object, or one the caller may not see",
    409: "The object's state does not allow this now, or it changed meanwhile (retry)",
    413: "The body is over the size limit",
    414: "The request URI is too long",
    415: "The body's media type is not one this route takes",
    422: "Well-formed but invalid: `errors` names each field or BPMN element",
    429: "Too many requests: wait for the seconds that Retry-After gives",
    500: "An unexpected error; nothing was changed and nothing is revealed",
}
HEADERS = {
    401: {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
}


class ProblemItem(Schema):
    """One invalid input: a field or a BPMN element (with its line), and why."""
    field = fields.String()
    element_id = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    message = fields.String(required=True)


class Problem(Schema):
    """What every error answers (API.md, "Conventions")."""
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(ProblemItem))


def _response(status: int, when: str | None = None) -> dict:
    response = {"description": when or MEANING.get(status, http.HTTPStatus(status).phrase),
                "schema": Problem}
    if status in HEADERS:
        response["headers"] = HEADERS[status]
    return response


def problems(*answers):
    """Document problem+json answers of a route, beside those every route can
    give (`ProblemPlugin`): each a status, or a `(status, when)` pair saying when
    this route gives it. Put it under the route decorator."""
    def decorator(func):
        func._apidoc = deepcopy(getattr(func, "_apidoc", {}))
        responses = func._apidoc.setdefault("response", {}).setdefault("responses", {})
        for answer in answers:
            status, when = answer if isinstance(answer, tuple) else (answer, None)
            if when is None:
                responses.setdefault(status, []).append(http.HTTPStatus(status).name)
            else:
                responses.setdefault(status, []).append({**_response(status, when),
                                                         "content_type": PROBLEM})
        return func
    return decorator


def common_problems(method: str, operation: dict) -> list[int]:
    """What any request to the operation can meet: the guards (`api.guards`) refuse
    a hostile request (400) or URI (414) and check a body's size and type (413,
    415); a secured operation needs a token (401), and a secured state change
    from a signed-in browser its page's CSRF token (403); anything unforeseen is
    a 500."""
    statuses = [400, 414, 500]
    if operation.get("security") != []:
        statuses.append(401)
        if method != "get":
            statuses.append(403)
    if "requestBody" in operation or method in BODY_METHODS:
        statuses.append(413)
    if method in BODY_METHODS:
        statuses.append(415)
    return statuses


class ProblemPlugin(BasePlugin):
    """Adds `common_problems` to every operation, and lists responses by status."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            given = {str(status) for status in responses}
            for status in common_problems(method, operation):
                if str(status) not in given:
                    responses[status] = http.HTTPStatus(status).name
            operation["responses"] = dict(sorted(responses.items(),
                                                 key=lambda item: str(item[0])))


class ProblemApi(Api):
    ERROR_SCHEMA = Problem
    DEFAULT_ERROR_RESPONSE_NAME = None  # no catch-all: each operation lists its own

    def handle_http_exception(self, error):
        from .errors import http_problem
        return http_problem(error)

    def _register_responses(self):
        """A problem+json response for each error status, referenced by name
        (`NOT_FOUND`); registered lazily: only those used appear."""
        for status in http.HTTPStatus:
            if status >= 400:
                response = _response(status)
                prepare_response(response, self.spec, PROBLEM)
                self.spec.components.response(status.name, response, lazy=True)


api = ProblemApi(spec_kwargs={
    "extra_plugins": [ProblemPlugin()],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}]})
