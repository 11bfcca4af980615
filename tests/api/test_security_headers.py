"""Security headers: a strict policy for data, one that lets Swagger UI and the
slips render, sandboxed attachments for stored uploads, and a server that
names itself neutrally and answers its own refusals as problem+json."""
import base64
import hashlib
import io
import json
import re
import socket

import pytest

from ..processes import Gunicorn, platform_env
from .conftest_data import minimal_bpmn
from .helpers import open_dossier

PROC = {"code": "TEST.1", "name": "Thủ tục thử", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 3, "unit": "working_days"}}
ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
          "Referrer-Policy": "no-referrer"}
SANDBOX = "sandbox; default-src 'none'"


def _policy(response) -> dict[str, str]:
    for name, value in ALWAYS.items():
        assert response.headers[name] == value, name
    directives = [d.strip().split(None, 1) for d in
                  response.headers["Content-Security-Policy"].split(";")]
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


@pytest.mark.parametrize("url, status", [
    ("/api/v1/me", 200), ("/api/v1/openapi.json", 200), ("/api/v1/dossiers/none", 404),
    ("/no-such-page", 404)])
def test_data_and_problems_get_the_strictest_policy(demo, login_as, url, status):
    response = login_as("reception").get(url)
    assert response.status_code == status
    policy = _policy(response)
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "script-src" not in policy and "style-src" not in policy


def test_swagger_ui_may_run_its_own_scripts_and_nothing_else(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page, policy = response.get_data(as_text=True), _policy(response)
    [inline] = re.findall(r"<script>(.*?)</script>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert policy["script-src"].split() == ["'self'", f"'sha256-{digest}'"]
    assert policy["connect-src"] == "'self'" and policy["default-src"] == "'none'"
    assert "unsafe-eval" not in str(policy) and "unsafe-inline" not in policy["script-src"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(assets) == 3 and all(a.startswith("/static/") for a in assets)
    for asset in assets:  # same origin, and typed so that nosniff lets them load
        loaded = client.get(asset)
        assert loaded.status_code == 200
        assert loaded.mimetype in ("text/javascript", "text/css"), asset


def test_a_slip_renders_with_its_style_and_no_script(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    response = reception.get(f"/api/v1/dossiers/{code}/slips/receipt")
    assert response.status_code == 200
    policy, page = _policy(response), response.get_data(as_text=True)
    assert policy["style-src"] == "'unsafe-inline'" and policy["default-src"] == "'none'"
    assert "script-src" not in policy and "<style>" in page
    assert "<script" not in page and " style=" not in page and "http" not in page


@pytest.fixture
def designer(demo, login_as):
    designer = login_as("designer")
    assert designer.post("/api/v1/procedures", json=PROC).status_code == 201
    return designer


def _deploy_and_download(designer, xml: bytes):
    response = designer.post("/api/v1/procedures/TEST.1/versions", data=xml,
                             content_type="application/xml")
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["version"]
    return designer.get(f"/api/v1/procedures/TEST.1/versions/{number}/bpmn")


def test_a_stored_diagram_is_a_sandboxed_attachment(designer):
    xhtml = ('<bpmn:extensionElements><h:script xmlns:h="http://www.w3.org/1999/xhtml">'
             "alert(document.cookie)</h:script></bpmn:extensionElements>")
    xml = minimal_bpmn().replace(b'<bpmn:userTask id="Task_1" name="Review">',
                                 b'<bpmn:userTask id="Task_1" name="Review">' + xhtml.encode())
    response = _deploy_and_download(designer, xml)
    assert response.status_code == 200 and response.get_data() == xml
    assert response.headers["Content-Disposition"] == 'attachment; filename="TEST.1-v1.bpmn"'
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["Content-Type"] == "application/xml; charset=UTF-8"
    _policy(response)


@pytest.mark.parametrize("declared, codec", [
    ("UTF-16", "utf-16"), ("ISO-8859-1", "latin-1"), ("UTF-16BE", "utf-16-be")])
def test_the_download_names_the_uploads_own_encoding(designer, declared, codec):
    text = minimal_bpmn().decode().replace('encoding="UTF-8"', f'encoding="{declared}"')
    xml = text.replace('name="Review"', 'name="Café"').encode(codec)
    response = _deploy_and_download(designer, xml)
    assert response.get_data() == xml
    assert response.headers["Content-Type"] == f"application/xml; charset={declared}"


def test_an_uploaded_document_is_a_sandboxed_attachment(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    uploaded = reception.post(f"/api/v1/dossiers/{code}/documents",
                              content_type="multipart/form-data",
                              data={"document_type": "form", "file": (io.BytesIO(pdf), "a.pdf")})
    assert uploaded.status_code == 201, uploaded.get_json()
    response = reception.get(f"/api/v1/dossiers/{code}/documents/"
                             f"{uploaded.get_json()['id']}/content")
    assert response.status_code == 200 and response.get_data() == pdf
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"].startswith(SANDBOX)
    _policy(response)


def _raw(server, request: bytes) -> tuple[str, dict, bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}, body


@pytest.mark.timeout(90)
def test_gunicorn_names_itself_neutrally_and_refuses_in_problem_json(tmp_path):
    server = Gunicorn(platform_env(None, tmp_path / "data"), workers=1).start()
    try:
        get = b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n"
        status, headers, _ = _raw(server, get % (b"/api/v1/openapi.json", b""))
        assert status.startswith("HTTP/1.1 200") and headers["server"] == "motcua"
        assert headers["x-frame-options"] == "DENY"
        for request, code in ((get % (b"/api/v1/dossiers?q=" + b"a" * 5000, b""), 414),
                              (get % (b"/api/v1/dossiers?q=" + b"a" * 9000, b""), 414),
                              (get % (b"/healthz", b"X-Big: " + b"a" * 9000 + b"\r\n"), 431),
                              (b"NOT A REQUEST\r\n\r\n", 400)):
            status, headers, body = _raw(server, request)
            assert status.startswith(f"HTTP/1.1 {code}"), status
            assert headers["server"] == "motcua"
            assert headers["content-type"] == "application/problem+json"
            assert json.loads(body)["status"] == code
    finally:
        server.stop()
