"""Hostile or malformed requests get a clear problem, never a 500."""
import io

import pytest
from flask import jsonify
from sqlalchemy import update

from engine.store.dossiers import Dossier

from .conftest_data import minimal_bpmn
from .helpers import open_dossier

# the opening keys of a business-household dossier (handled by a commune since 2025)
OPEN = '"procedure": "1.001612", "handling_unit": "UBND.PHUHOI", '


def _status(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_write_requests_must_be_json(household, login_as):
    reception = login_as("reception")
    task = open_dossier(reception, household)["tasks"][0]
    reception.post(f"/api/v1/tasks/{task['id']}/claim")
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete",
                              data='{"data": {}}', content_type="text/plain")
    _status(response, 415)
    assert reception.get(f"/api/v1/tasks/{task['id']}").get_json()["status"] == "open"


@pytest.mark.parametrize("body, status", [
    ("[" * 100_000 + "]" * 100_000, 400),
    ('{' + OPEN + '"applicant": {"name": "a\\u0000b"}, "channel": "direct"}', 400),
    ('"just a string"', 422),
    ("[1, 2]", 422),
])
def test_malformed_json_bodies(household, login_as, body, status):
    reception = login_as("reception")
    _status(reception.post("/api/v1/dossiers", data=body, content_type="application/json"),
            status)
    assert reception.get("/api/v1/dossiers").get_json()["total"] == 0


def test_oversize_json_is_413(household, login_as):
    reception = login_as("reception")
    body = '{' + OPEN + '"data": {"x": "' + "y" * 1_100_000 + '"}}'
    _status(reception.post("/api/v1/dossiers", data=body, content_type="application/json"),
            413)


def test_huge_page_number_is_422(household, login_as):
    _status(login_as("reception").get("/api/v1/dossiers?page=100000000000000000000"), 422)


def test_expired_token_is_401(demo, client, app):
    app.config["TOKEN_TTL_SECONDS"] = -1
    token = client.post("/api/v1/auth/token", json={
        "username": "officer", "password": "officer-demo"}).get_json()["access_token"]
    body = _status(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)
    assert "expired" in body["detail"]


def test_task_edge_cases(household, login_as):
    reception, supervisor = login_as("reception"), login_as("supervisor")
    _status(reception.get("/api/v1/tasks/no-such-task"), 404)
    task = open_dossier(reception, household)["tasks"][0]
    _status(supervisor.post(f"/api/v1/tasks/{task['id']}/assign", json={"username": "ghost"}),
            404)
    reception.post(f"/api/v1/tasks/{task['id']}/claim")
    reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "business_name": "A", "capital": 1}})
    _status(reception.post(f"/api/v1/tasks/{task['id']}/claim"), 409)
    _status(reception.post(f"/api/v1/tasks/{task['id']}/unclaim"), 409)


# Control characters: PostgreSQL cannot store NUL, and none of C0 has a meaning
# in a path, a query, a form field or a file name; refused before any route runs.
@pytest.mark.parametrize("url", [
    "/api/v1/public/dossiers/a%00b", "/api/v1/dossiers?status=a%00b",
    "/api/v1/tasks?procedure=a%00b", "/api/v1/procedures/a%00b",
    "/api/v1/procedures/a%00b/versions", "/api/v1/dossiers/a%01b/history",
    "/api/v1/dossiers?unit=a%0Db", "/api/v1/dossiers?a%00=1", "/api/v1/no-such%00",
])
@pytest.mark.parametrize("logged_in", [True, False])
def test_control_characters_in_path_or_query_are_400(household, login_as, client, url,
                                                     logged_in):
    caller = login_as("reception") if logged_in else client
    body = _status(caller.get(url), 400)
    assert "control character" in body["detail"]


def test_control_characters_in_form_fields_and_file_names_are_400(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    pdf = b"%PDF-1.4\n%%EOF\n"
    for form, name in (({"document_type": "a\x00b"}, "a.pdf"),
                       ({"document_type": "a\x07b"}, "a.pdf"),
                       ({"document_type": "form"}, "a\x00.pdf")):
        response = reception.post(f"/api/v1/dossiers/{code}/documents",
                                  content_type="multipart/form-data",
                                  data={**form, "file": (io.BytesIO(pdf), name)})
        assert "control character" in _status(response, 400)["detail"]
    assert reception.get(f"/api/v1/dossiers/{code}/documents").get_json()["total"] == 0


def test_control_characters_in_the_authorization_header_are_400(household, client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer a\x00b"})
    assert "control character" in _status(response, 400)["detail"]


def test_an_over_long_uri_is_414(household, login_as):
    body = _status(login_as("reception").get("/api/v1/dossiers?status=" + "a" * 5000), 414)
    assert "4096" in body["detail"]


def _nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 800, 999, 5000])
def test_json_nested_past_the_limit_is_400_naming_it(household, login_as, depth):
    reception = login_as("reception")
    body = ('{' + OPEN + '"channel": "direct", "applicant": {"name": "A"}, '
            '"data": {"x": ' + _nested(depth - 2) + "}}")
    assert "32" in _status(reception.post("/api/v1/dossiers", data=body,
                                          content_type="application/json"), 400)["detail"]
    task = open_dossier(reception, household)["tasks"][0]
    reception.post(f"/api/v1/tasks/{task['id']}/claim")
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete", data='{"data": {"x": '
                              + _nested(depth - 2) + "}}", content_type="application/json")
    assert "32" in _status(response, 400)["detail"]
    assert reception.get(f"/api/v1/tasks/{task['id']}").get_json()["status"] == "open"


def test_json_nested_to_the_limit_passes_the_guard(household, login_as):
    body = '{' + OPEN + '"channel": "direct", "data": {"x": ' + _nested(30) + "}}"
    response = login_as("reception").post("/api/v1/dossiers", data=body,
                                          content_type="application/json")
    assert response.status_code == 422  # the applicant is missing: the route ran
    assert [e["field"] for e in response.get_json()["errors"]] == ["applicant"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_nan_and_infinity_are_refused(household, login_as, token):
    reception = login_as("reception")
    body = ('{' + OPEN + '"channel": "direct", "applicant": {"name": "A"}, '
            '"data": {"x": ' + token + "}}")
    problem = _status(reception.post("/api/v1/dossiers", data=body,
                                     content_type="application/json"), 400)
    assert "NaN" in problem["detail"] and "Infinity" in problem["detail"]
    assert problem["errors"] == [{"field": "data.x", "message": f"{token} is not a JSON number"}]
    assert reception.get("/api/v1/dossiers").get_json()["total"] == 0


def test_a_lone_surrogate_or_nul_is_refused_naming_the_field(household, login_as):
    reception = login_as("reception")
    for text, what in (("A\\ud800", "lone surrogates"), ("A\\u0000", "NUL characters")):
        body = ('{' + OPEN + '"channel": "direct", "applicant": {"name": "'
                + text + '"}}')
        problem = _status(reception.post("/api/v1/dossiers", data=body,
                                         content_type="application/json"), 400)
        assert problem["errors"] == [{"field": "applicant.name", "message": f"contains {what}"}]
    assert reception.get("/api/v1/dossiers").get_json()["total"] == 0


def test_a_value_json_cannot_hold_is_a_logged_500_never_bare_nan(app, client, caplog):
    app.add_url_rule("/api/v1/test-nan", "test_nan", lambda: jsonify({"x": float("nan")}))
    response = client.get("/api/v1/test-nan")
    _status(response, 500)
    assert "NaN" not in response.get_data(as_text=True)
    assert any(r.levelname == "ERROR" for r in caplog.records)
    with pytest.raises(ValueError):
        app.json.dumps({"x": float("inf")})


def test_a_stored_nan_is_never_served(household, login_as, db):
    if db.bind.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's JSON refuses NaN on the way in")
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    db.execute(update(Dossier).where(Dossier.code == code).values(data={"x": float("nan")}))
    db.commit()
    for url in (f"/api/v1/dossiers/{code}", "/api/v1/dossiers"):
        response = reception.get(url)
        _status(response, 500)
        assert "NaN" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method, url, kwargs, status", [
    ("delete", "/api/v1/procedures", {}, 405),
    ("get", "/no-such-page", {}, 404),
    ("get", "/static/no-such-file.css", {}, 404),
    ("post", "/api/v1/dossiers", {"data": "{", "content_type": "application/json"}, 400),
    ("post", "/api/v1/dossiers", {"data": "x", "content_type": "text/plain"}, 415),
    ("post", "/api/v1/procedures/P/versions",
     {"data": {"file": (io.BytesIO(b"x" * 25_000_000), "big.bpmn")},
      "content_type": "multipart/form-data"}, 413),
    ("get", "/api/v1/dossiers?page=abc", {}, 422),
])
def test_every_http_error_is_problem_json(household, login_as, method, url, kwargs, status):
    response = getattr(login_as("designer"), method)(url, **kwargs)
    body = _status(response, status)
    assert set(body) >= {"type", "title", "status", "detail"} and body["status"] == status
    assert "code" not in body and "message" not in body  # not flask-smorest's own shape
    if status == 422:
        assert body["errors"] == [{"field": "page", "message": "Not a valid integer."}]
    if status == 405:
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_per_page_is_bounded(household, login_as):
    reception = login_as("reception")
    assert reception.get("/api/v1/dossiers?per_page=200").status_code == 200
    body = _status(reception.get("/api/v1/dossiers?per_page=201"), 422)
    assert body["errors"][0]["field"] == "per_page"


def test_deeply_nested_code_is_422_naming_the_element(demo, login_as):
    designer = login_as("designer")
    designer.post("/api/v1/procedures", json={
        "code": "DEEP.1", "name": "Deep", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    for script in ("x = " + " + ".join(["1"] * 300), "x = " + "-" * 5000 + "1"):
        response = designer.post("/api/v1/procedures/DEEP.1/versions",
                                 data=minimal_bpmn(script), content_type="application/xml")
        errors = _status(response, 422)["errors"]
        assert [e["element_id"] for e in errors] == ["Script_1"], errors
        assert "nested" in errors[0]["message"]


def test_an_over_long_element_name_is_422_naming_it(demo, login_as):
    designer = login_as("designer")
    designer.post("/api/v1/procedures", json={
        "code": "LONG.1", "name": "Long", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    xml = minimal_bpmn().replace(b'name="Review"', b'name="' + b"R" * 501 + b'"')
    response = designer.post("/api/v1/procedures/LONG.1/versions", data=xml,
                             content_type="application/xml")
    errors = _status(response, 422)["errors"]
    assert [e["element_id"] for e in errors] == ["Task_1"] and "500" in errors[0]["message"]


def test_incident_instant_is_formatted_like_every_other(demo, login_as):
    designer = login_as("designer")
    designer.post("/api/v1/procedures", json={
        "code": "FEE.1", "name": "Fee", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    designer.post("/api/v1/procedures/FEE.1/versions", data=minimal_bpmn("fee = base_fee * 2"),
                  content_type="application/xml")
    dossier = open_dossier(login_as("reception"), "FEE.1")
    assert dossier["incident"]["at"] == "2026-04-24T09:00:00.000+07:00"
    assert login_as("leader").get(f"/api/v1/dossiers/{dossier['code']}").get_json()[
        "incident"]["at"] == "2026-04-24T09:00:00.000+07:00"


def test_a_chunked_body_is_checked_like_any_other(household, login_as):
    reception = login_as("reception")
    body = b'{' + OPEN.encode() + b'"channel": "direct", "data": {"x": NaN}}'
    response = reception.post("/api/v1/dossiers", input_stream=io.BytesIO(body),
                              content_type="application/json",
                              headers={"Transfer-Encoding": "chunked"},
                              environ_overrides={"wsgi.input_terminated": True})
    assert _status(response, 400)["errors"][0]["field"] == "data.x"


@pytest.mark.parametrize("form, field", [
    ('{"id": "f", "components": [{"type": "number", "key": "a", "min": NaN}]}',
     "forms[0].components.0.min"),
    ('{"id": "f", "components": [{"type": "textfield", "key": "a", "label": "a\\u0000"}]}',
     "forms[0].components.0.label"),
    ('{"id": "f", "components": [], "x": ' + _nested(5000) + "}", None),
])
def test_form_definitions_uploaded_with_a_diagram_are_checked_too(demo, login_as, form, field):
    designer = login_as("designer")
    designer.post("/api/v1/procedures", json={
        "code": "FORM.1", "name": "Form", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    xml = minimal_bpmn().replace(b'name="Review"', b'name="Review" camunda:formKey="f" '
                                 b'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')
    response = designer.post("/api/v1/procedures/FORM.1/versions",
                             content_type="multipart/form-data",
                             data={"file": (io.BytesIO(xml), "d.bpmn"),
                                   "forms": [(io.BytesIO(form.encode()), "f.json")]})
    body = _status(response, 400)
    assert [e["field"] for e in body.get("errors", [])] == ([field] if field else [])
    assert designer.get("/api/v1/procedures/FORM.1/versions").get_json()["total"] == 0


@pytest.mark.parametrize("url, method", [
    ("/api/v1/notifications/9223372036854775808/read", "post"),
    ("/api/v1/procedures/1.001612/versions/99999999999999999999", "get"),
])
def test_ids_past_what_the_database_holds_are_404(household, login_as, url, method):
    response = getattr(login_as("admin"), method)(url)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_a_document_id_past_what_the_database_holds_is_404(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    url = f"/api/v1/dossiers/{code}/documents/99999999999999999999/content"
    assert reception.get(url).status_code == 404


def test_the_acceptance_clock_stays_within_sane_years(demo, login_as):
    admin = login_as("admin")
    response = admin.post("/api/v1/admin/clock", json={"now": "0043-04-18T02:23:02Z"})
    assert response.status_code == 422, response.get_json()
