"""Domain errors. Services raise these; only `api.errors` turns them into HTTP.

Each carries a short title, a detail sentence, and optionally a list of
`{"field"|"element_id", "message"}` items for invalid input; `field_errors`
makes those items from marshmallow's (or webargs') nested messages.
"""


class DomainError(Exception):
    title = "Error"

    def __init__(self, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class BadRequest(DomainError):
    title = "Bad request"


class Unauthorized(DomainError):
    title = "Not authenticated"


class Forbidden(DomainError):
    title = "Not allowed"


class NotFound(DomainError):
    title = "Not found"


class Conflict(DomainError):
    title = "Conflict"


class Invalid(DomainError):
    title = "Invalid input"


class TooLarge(DomainError):
    title = "Too large"


class UnsupportedMediaType(DomainError):
    title = "Unsupported media type"


def field_errors(messages, prefix: str = "") -> list[dict]:
    """Marshmallow's messages, nested by field, as one `{"field", "message"}` item per
    field: nested fields joined with dots, schema-level messages (`_schema`, or a bare
    list) named after the enclosing field, `body` at the top."""
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    items = []
    for key, value in messages.items():
        field = (prefix[:-1] or "body") if key == "_schema" else f"{prefix}{key}"
        if isinstance(value, dict):
            items.extend(field_errors(value, f"{field}."))
        else:
            text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
            items.append({"field": field, "message": text})
    return items
