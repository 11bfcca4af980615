"""The served OpenAPI document tells the truth: every operation is summarised
and described, lists the problem+json answers it can give (and no catch-all),
types the shapes it answers and names its enumerations. That every answer the
suite receives is as documented is checked by the `app` fixture
(`tests/openapi_responses.py`); the last tests here show that check at work."""
import io

import pytest
from flask import Response

from api import create_app
from engine.dossier.intake import CHANNELS, OUTCOMES
from engine.dossier.status import STATUSES
from engine.store import db
from engine.store.people import ROLES
from engine.dossier.tasks import SCOPES

from ..openapi_responses import Recorder
from .helpers import open_dossier

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC = {("post", "/api/v1/auth/token"), ("get", "/api/v1/public/dossiers/{code}")}
FREE_FORM = {"data", "detail", "details", "form"}  # data set by forms, an event's detail, ...


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def _response(document, response):
    ref = response.get("$ref")
    return document["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else response


def _schema(document, name):
    return document["components"]["schemas"][name]


def test_every_operation_is_summarised_and_described(document):
    missing = [f"{method.upper()} {path}" for method, path, operation in _operations(document)
               if not operation.get("summary") or not operation.get("description")]
    assert missing == []


def test_every_error_is_a_problem_and_there_is_no_catch_all(document):
    wrong = []
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400 and \
                    _response(document, response).get("content") != PROBLEM:
                wrong.append(f"{method.upper()} {path} {status}")
    assert wrong == []


def test_every_operation_lists_the_problems_any_request_can_meet(document):
    for method, path, operation in _operations(document):
        expected = {"400", "414", "500"} | (set() if (method, path) in PUBLIC else {"401"})
        if method in ("post", "patch"):
            expected |= {"413", "415"}
        assert expected <= set(operation["responses"]), f"{method.upper()} {path}"
        assert operation.get("security") == ([] if (method, path) in PUBLIC else None)


@pytest.mark.parametrize("method, path, statuses", [
    ("post", "/api/v1/auth/token", {"401", "422", "429"}),
    ("post", "/api/v1/dossiers", {"403", "404", "409", "422"}),
    ("get", "/api/v1/dossiers/{code}", {"404"}),
    ("post", "/api/v1/tasks/{task_id}/claim", {"403", "404", "409"}),
    ("post", "/api/v1/tasks/{task_id}/complete", {"404", "409", "422"}),
    ("post", "/api/v1/procedures/{code}/versions", {"403", "404", "413", "415", "422"}),
    ("post", "/api/v1/dossiers/{code}/documents", {"403", "404", "409", "413", "415", "422"}),
    ("post", "/api/v1/dossiers/{code}/extension", {"403", "404", "409", "422"}),
    ("get", "/api/v1/public/dossiers/{code}", {"404", "429"}),
])
def test_operations_list_their_own_problems(document, method, path, statuses):
    assert statuses <= set(document["paths"][path][method]["responses"])


def test_no_flask_smorest_error_schema_is_left(document):
    schemas = document["components"]["schemas"]
    assert "Error" not in schemas and "DEFAULT_ERROR" not in document["components"]["responses"]
    assert [name for name, schema in schemas.items()
            if {"code", "status", "message"} <= set(schema.get("properties", {}))] == []


def _untyped(document, name, seen):
    """Properties of schema `name` (and the schemas it names) that say nothing of
    their shape, or are objects of any keys without being free-form data."""
    if name in seen:
        return []
    seen.add(name)
    found = []
    for prop, schema in _schema(document, name).get("properties", {}).items():
        for sub in (schema, *([schema.get("items", {})] if "items" in schema else [])):
            untyped = not {"type", "$ref", "allOf", "anyOf", "oneOf"} & set(sub)
            shapeless = sub.get("type") == "object" and "properties" not in sub
            if untyped or (shapeless and prop not in FREE_FORM):
                found.append(f"{name}.{prop}")
        found += [problem for ref in _refs(schema)
                  for problem in _untyped(document, ref, seen)]
    return found


def _refs(schema):
    if isinstance(schema, dict):
        if "$ref" in schema:
            yield schema["$ref"].rsplit("/", 1)[-1]
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def test_every_answer_is_typed(document):
    seen, untyped = set(), []
    for _method, _path, operation in _operations(document):
        for response in operation["responses"].values():
            for ref in _refs(_response(document, response)):
                untyped += _untyped(document, ref, seen)
    assert untyped == []
    assert {"DossierOut", "DossierClockOut", "TaskOut", "DocumentOut", "IncidentOut",
            "ApplicantOut", "UserTaskOut", "VersionSummary", "Problem"} <= seen


def _property(document, schema, name):
    prop = _schema(document, schema)["properties"][name]
    return prop.get("items", prop)


def _parameter(document, path, method, name):
    item = document["paths"][path]
    parameters = item.get("parameters", []) + item[method].get("parameters", [])
    return next(p["schema"] for p in parameters if p["name"] == name)


def test_enumerations_are_named(document):
    assert _property(document, "DossierOut", "status")["enum"] == list(STATUSES)
    assert _property(document, "DossierOut", "channel")["enum"] == list(CHANNELS)
    assert _property(document, "PublicDossierOut", "status")["enum"] == list(STATUSES)
    assert _property(document, "TaskOut", "status")["enum"] == ["open", "completed", "cancelled"]
    assert _property(document, "DossierClockOut", "state")["enum"] == [
        "not_started", "running", "paused", "stopped"]
    assert _property(document, "DossierIn", "outcome")["enum"][:3] == list(OUTCOMES)
    assert _property(document, "UserOut", "roles")["enum"] == list(ROLES)
    assert _property(document, "OverrideIn", "kind")["enum"] == ["day_off", "working_day"]
    assert _property(document, "ProcedureOut", "level")["enum"] == [
        "province", "district", "commune"]
    assert _parameter(document, "/api/v1/dossiers", "get", "status")["enum"] == list(STATUSES)
    assert _parameter(document, "/api/v1/tasks", "get", "scope")["enum"] == list(SCOPES)


@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/notifications/{notification_id}/read"),
    ("get", "/api/v1/dossiers/{code}/documents/{document_id}/content")])
def test_ids_are_bounded_as_the_database_holds_them(document, client, method, path):
    """A PostgreSQL integer: a larger id names nothing (404), not a 422 or a 500."""
    name = path.rsplit("{", 1)[1].split("}")[0]
    assert _parameter(document, path, method, name)["maximum"] == 2**31 - 1
    url = path.replace("{code}", "X").replace(f"{{{name}}}", str(2**31))
    assert getattr(client, method)(url).status_code == 404


def test_conditional_and_range_downloads_are_documented(household, login_as):
    """The `app` fixture checks these answers (206, 304, 416) against the document."""
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    doc = reception.post(f"/api/v1/dossiers/{code}/documents", data={
        "file": (io.BytesIO(pdf), "a.pdf", "application/pdf"), "document_type": "form"},
        content_type="multipart/form-data").get_json()
    url = f"/api/v1/dossiers/{code}/documents/{doc['id']}/content"
    etag = reception.get(url).headers["ETag"]
    assert reception.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert reception.get(url, headers={"Range": "bytes=0-3"}).data == pdf[:4]
    assert reception.get(url, headers={"Range": "bytes=9000-9999"}).status_code == 416


@pytest.fixture
def spare_app(config):
    """An app of its own, whose answers no test fixture checks."""
    app = create_app(config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("view, says", [
    (lambda: {"username": 5, "roles": []}, ["GET /api/v1/me -> 200: ", "/username",
                                            '5 is not of type "string"']),
    (lambda: ({"username": "a"}, 202), ["GET /api/v1/me -> 202: status not documented"]),
    (lambda: Response("<h1>no</h1>", 404, mimetype="text/html"),
     ["GET /api/v1/me -> 404: status not documented"]),
    (lambda: Response("<h1>no</h1>", 401, mimetype="text/html"),
     ["GET /api/v1/me -> 401: text/html not documented"]),
    (lambda: Response('{"code": 401, "status": "x", "message": "no"}', 401,
                      mimetype="application/problem+json"),
     ["GET /api/v1/me -> 401: ", '"detail" is a required property']),
])
def test_an_answer_that_contradicts_the_document_is_reported(spare_app, view, says):
    recorder = Recorder(spare_app)
    spare_app.view_functions["people.me"] = view
    spare_app.test_client().get("/api/v1/me")
    recorder.stop()
    report = "\n".join(recorder.mismatches())
    assert all(part in report for part in says), report


def test_documented_answers_pass(spare_app):
    recorder = Recorder(spare_app)
    client = spare_app.test_client()
    client.get("/api/v1/me")  # no token: a 401 problem
    client.get("/api/v1/me?x=%01")  # a control character: a 400 problem
    client.get("/api/v1/nothing-here")  # no operation: not checked
    recorder.stop()
    assert [(a.status, a.mimetype) for a in recorder.answers] == [
        (401, "application/problem+json"), (400, "application/problem+json")]
    assert recorder.mismatches() == []
