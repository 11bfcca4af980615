"""The one place that turns errors into HTTP responses (RFC 9457 problem+json),
their texts in the reader's language (`api.problem_texts`).

Domain errors map by class; HTTP errors (unknown route, wrong method, body too
large, webargs validation) keep their status; anything else is a 500 with no
stack trace in the body (it goes to the log).
"""
from flask import current_app, json
from werkzeug.exceptions import HTTPException

from engine.kernel import errors as domain

from .problem_texts import localized

STATUS = {domain.BadRequest: 400, domain.Unauthorized: 401, domain.Forbidden: 403,
          domain.NotFound: 404, domain.Conflict: 409, domain.TooLarge: 413,
          domain.UnsupportedMediaType: 415, domain.Invalid: 422}


def status_of(error) -> int:
    return getattr(error, "status", None) or next(
        code for cls, code in STATUS.items() if isinstance(error, cls))


def problem(status: int, title: str, detail: str, errors=None):
    title, detail, errors = localized(title, detail, errors)  # in the reader's language
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status,
                                          mimetype="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def domain_problem(error: domain.DomainError):
    return problem(status_of(error), error.title, error.detail, error.errors)


def http_problem(error: HTTPException):
    errors = None
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages:
        errors = _webargs_errors(messages)
    detail = "The request is invalid." if errors else (error.description or error.name)
    response = problem(error.code or 500, error.name, detail, errors)
    for name, value in error.get_headers():  # e.g. a 405's Allow, a 429's Retry-After
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


LOCATIONS = ("json", "query", "form", "files", "headers", "view_args", "path")


def _webargs_errors(messages) -> list[dict]:
    """webargs nests messages by location first; fields are named without it."""
    return [item for key, value in messages.items()
            for item in domain.field_errors(value if key in LOCATIONS else {key: value})]


def unexpected(error: Exception):
    current_app.logger.exception("unhandled error", exc_info=error)
    return problem(500, "Internal error", "The server could not complete the request.")


def register(app):
    app.register_error_handler(domain.DomainError, domain_problem)
    app.register_error_handler(HTTPException, http_problem)
    app.register_error_handler(Exception, unexpected)
