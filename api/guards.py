"""Request guards that run before any route: what requests the API accepts.

Every request: a URI of at most `MAX_URI` characters (below gunicorn's
request-line limit, so an over-long one gets our 414 problem, not its page),
and no C0 control character in the path, the query or the headers read as
data: PostgreSQL cannot store NUL, and none of them means anything there.
Write requests carry JSON (deploy, validate and documents also take XML or multipart; the
pages' own forms, outside /api/, are form-encoded).
A JSON body is limited in size and walked once, without recursion: nesting
deeper than `MAX_JSON_DEPTH` (copies and serializers recurse, and fail far
later), NaN and the infinities (not JSON), NUL and lone surrogates (neither
PostgreSQL nor UTF-8 holds them) are refused; so in the form definitions
uploaded with a diagram. Multipart fields may hold line breaks and tabs, no
other control character; field and file names none.
"""
import re

from flask import current_app, request

from engine.kernel.errors import BadRequest, DomainError, TooLarge, UnsupportedMediaType

from .json_provider import Marker, loads_marking

UPLOAD_TYPES = {"application/xml", "text/xml", "application/bpmn+xml", "multipart/form-data"}
PAGE_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
UPLOAD_ENDPOINTS = {"procedures.deploy", "procedures.validate_diagram",
                    "documents.upload_document"}
MAX_URI = 4096  # gunicorn.conf.py: limit_request_line = 8190
MAX_JSON_DEPTH = 32
MAX_ERRORS = 20
# uploaded files that are JSON documents
JSON_FILES = {"procedures.deploy": "forms", "procedures.validate_diagram": "forms"}
DATA_HEADERS = ("Authorization",)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF, CR allowed
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class UriTooLong(DomainError):
    title = "URI too long"
    status = 414


def _refuse_controls(where: str, texts, pattern=CONTROL):
    if any(pattern.search(text) for text in texts):
        raise BadRequest(f"{where} may not contain control characters.")


def check_request():
    environ = request.environ
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
    if len(uri) > MAX_URI:
        raise UriTooLong(f"A request URI may hold {MAX_URI} characters at most.")
    _refuse_controls("The path", [request.path])
    _refuse_controls("The query", [text for key, values in request.args.lists()
                                   for text in (key, *values)])
    for name in DATA_HEADERS:
        _refuse_controls(f"The {name} header", [request.headers.get(name, "")])


def _has_body() -> bool:
    return bool(request.content_length) or \
        "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def check_body():
    if request.method not in ("POST", "PUT", "PATCH") or not _has_body():
        return
    allowed = {"application/json"} | (UPLOAD_TYPES if request.endpoint in UPLOAD_ENDPOINTS
                                      else set())
    if not request.path.startswith("/api/"):  # the pages' own forms (web/)
        allowed |= PAGE_FORM_TYPES
    if request.mimetype not in allowed:
        raise UnsupportedMediaType(f"Send {' or '.join(sorted(allowed))}.")
    if request.mimetype == "application/json":
        _check_json()
    elif request.mimetype == "multipart/form-data":
        _check_form()


def _check_json():
    limit = current_app.config["MAX_JSON_BYTES"]
    if (request.content_length or 0) > limit or len(request.get_data(cache=True)) > limit:
        raise TooLarge(f"A JSON body may hold {limit} bytes at most.")
    _check_document(request.get_data(cache=True), "body")


def _check_document(data: bytes, root: str):
    try:
        value = loads_marking(data)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        return  # the route's parser reports malformed JSON in its own words
    non_finite = _walk(value, root)
    if non_finite:
        raise BadRequest("NaN, Infinity and -Infinity are not JSON numbers (nor is a number "
                         "too large for a double); send a finite number or null.",
                         [{"field": field, "message": f"{text} is not a JSON number"}
                          for field, text in non_finite[:MAX_ERRORS]])


def _too_deep() -> BadRequest:
    return BadRequest(f"The JSON is nested too deeply: {MAX_JSON_DEPTH} levels at most.")


def _walk(value, root: str) -> list[tuple[str, str]]:
    """Depth and text checks over a parsed document, with a stack, not recursion;
    returns (field, text) of each non-finite number."""
    stack, non_finite = [(value, 1, root)], []
    while stack:
        item, depth, field = stack.pop()
        if isinstance(item, str):
            _check_text(item, field)
        elif isinstance(item, Marker):
            non_finite.append((field, item.text))
        elif isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                name = _check_text(key, field) if isinstance(key, str) else str(key)
                stack.append((child, depth + 1, name if field == "body" else f"{field}.{name}"))
    return sorted(non_finite)


def _check_text(text: str, field: str) -> str:
    match = UNSTORABLE.search(text)
    if match:
        what = "NUL characters" if match.group() == "\x00" else "lone surrogates"
        raise BadRequest(f"Text may not contain {what}.",
                         [{"field": field[:200], "message": f"contains {what}"}])
    return text[:200]


def _check_form():
    form, files = request.form, request.files  # 413 here when over MAX_CONTENT_LENGTH
    _refuse_controls("A form field's name", list(form) + list(files))
    _refuse_controls("A form field", [v for values in form.listvalues() for v in values],
                     CONTROL_IN_TEXT)
    _refuse_controls("A file name", [f.filename or "" for fs in files.listvalues() for f in fs])
    for index, upload in enumerate(files.getlist(JSON_FILES.get(request.endpoint, ""))):
        _check_document(upload.stream.read(), f"{JSON_FILES[request.endpoint]}[{index}]")
        upload.stream.seek(0)


def register(app):
    app.before_request(check_request)
    app.before_request(check_body)
