"""Domain errors. Services raise these; only `api.errors` turns them into HTTP.

Each carries a short title, a detail sentence, and optionally a list of
`{"field"|"element_id", "message"}` items for invalid input.
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
