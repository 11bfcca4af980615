"""Signing in to the pages: the session cookie carries the API token, and every
state change a browser makes needs its page's CSRF token; bearer clients are
unchanged. Pages get the page policy; a page not for the visitor is a 404."""
import re

import pytest

from api.config import ProductionConfig
from web.shell import PAGE_POLICY

from ..conftest import PASSWORDS

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _csrf(page) -> str:
    found = CSRF.search(page.get_data(as_text=True))
    return found.group(1) or found.group(2)


def _sign_in(client, username, **extra):
    token = _csrf(client.get("/login"))
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": PASSWORDS[username], **extra})


def test_signing_in_sets_a_guarded_cookie_and_lands_by_role(client, demo):
    response = _sign_in(client, "reception")
    assert response.status_code == 302 and response.location == "/reception"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/api/v1/me").get_json()["username"] == "reception"
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_state_changes_need_the_pages_csrf_token(client, demo):
    _sign_in(client, "officer")
    assert client.post("/api/v1/notifications/read-all").status_code == 403
    assert client.post("/api/v1/notifications/read-all",
                       headers={"X-CSRFToken": "forged"}).status_code == 403
    token = _csrf(client.get("/inbox"))
    response = client.post("/api/v1/notifications/read-all", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert client.get("/api/v1/me").status_code == 200  # reading needs no token


def test_bearer_clients_need_no_csrf_token(client, demo, login_as):
    officer = login_as("officer")
    assert officer.post("/api/v1/notifications/read-all").status_code == 200


def test_a_login_form_without_its_token_is_refused(client, demo):
    client.get("/login")
    response = client.post("/login", data={"username": "officer",
                                           "password": PASSWORDS["officer"]})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_renders_the_form_again(client, demo):
    token = _csrf(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "username": "officer",
                                           "password": "wrong"})
    assert response.status_code == 401
    assert 'role="alert"' in response.get_data(as_text=True)


NEXT = [("/dossiers?status=4", "/dossiers?status=4"), ("//evil.example/x", "/inbox"),
        ("https://evil.example/", "/inbox"), ("/\\evil.example", "/inbox"),
        ("/\t/evil.example", "/inbox"), ("/\n/evil.example", "/inbox")]


@pytest.mark.parametrize("target, landing", NEXT)
def test_next_stays_on_this_site(client, demo, target, landing):
    assert _sign_in(client, "officer", next=target).location == landing


def test_signing_out_revokes_the_token(client, demo):
    _sign_in(client, "officer")
    stolen = client.get_cookie("motcua_session").value
    token = _csrf(client.get("/inbox"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    client.set_cookie("motcua_session", stolen)  # a copy kept from before no longer works
    assert client.get("/api/v1/me").status_code == 401


def test_pages_have_the_page_policy_and_guard_roles(client, demo):
    response = client.get("/inbox")
    assert response.status_code == 302 and response.location == "/login?next=/inbox"
    _sign_in(client, "officer")
    page = client.get("/inbox")
    assert page.headers["Content-Security-Policy"] == PAGE_POLICY
    assert "'unsafe-inline'" not in PAGE_POLICY.split("script-src")[1].split(";")[0]
    missing = client.get("/admin")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert client.get("/api/v1/me").headers["Content-Security-Policy"].startswith(
        "default-src 'none'")


def test_the_api_still_takes_json_only(client, demo, login_as):
    officer = login_as("officer")
    response = officer.post("/api/v1/notifications/read-all", data={"a": "b"})
    assert response.status_code == 415


def test_an_unknown_path_is_a_page_for_browsers_and_a_problem_for_the_api(client):
    page = client.get("/no-such-page?lang=en", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "There is no page at this address." in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"] == PAGE_POLICY
    assert client.get("/no-such-page").mimetype == "application/problem+json"
    assert client.get("/api/v1/nothing", headers={"Accept": "text/html"}).mimetype == \
        "application/problem+json"


def test_a_pager_keeps_the_query_as_query(app):
    """A query argument named like one of url_for's own (`endpoint`, `_anchor`) is
    kept as a query argument, not read by the pager as an argument of url_for."""
    pager = app.jinja_env.from_string('{% from "_pager.html" import pager %}'
                                      '{{ pager({"total": 30, "per_page": 10, "page": 2}) }}')
    with app.test_request_context("/?page=2&endpoint=x&_anchor=y&lang=en"):
        links = re.findall(r'href="([^"]+)"', pager.render())
    assert links == ["/?page=1&amp;endpoint=x&amp;_anchor=y&amp;lang=en",
                     "/?page=3&amp;endpoint=x&amp;_anchor=y&amp;lang=en"]


def test_a_page_number_past_any_page_is_no_error(client, demo):
    _sign_in(client, "officer")
    for number in ("99999999999999999999", "²"):
        assert client.get(f"/dossiers?page={number}").status_code == 200


def test_the_language_links_switch_and_stay_on_this_site(client, demo):
    links = re.compile(r'href="([^"]+)" hreflang="(\w+)"')
    page = client.get("/track?code=X&lang=en").get_data(as_text=True)
    assert dict((lang, href) for href, lang in links.findall(page)) == {
        "vi": "/track?code=X&amp;lang=vi", "en": "/track?code=X&amp;lang=en"}
    switched = client.get("/track?code=X&lang=vi").get_data(as_text=True)
    assert '<html lang="vi"' in switched
    page = client.get("/%5Cevil.example/x", headers={"Accept": "text/html"})
    assert {href for href, _ in links.findall(page.get_data(as_text=True))} == {
        "/?lang=vi", "/?lang=en"}


def test_error_pages_read_in_the_pages_language(client, demo):
    _sign_in(client, "officer")
    missing = client.get("/dossiers/NONE-260424-0001")
    assert missing.status_code == 404
    assert "Không có hồ sơ NONE-260424-0001." in missing.get_data(as_text=True)
    assert "Không có trang này." in client.get("/admin").get_data(as_text=True)
    refused = client.post("/notifications/read-all")
    assert refused.status_code == 403
    assert "Mã bảo mật của trang bị thiếu" in refused.get_data(as_text=True)
    english = client.get("/dossiers/NONE-260424-0001?lang=en").get_data(as_text=True)
    assert "No dossier NONE-260424-0001." in english
