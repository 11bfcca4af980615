"""Hostile or malformed requests get a clear problem, never a 500."""
import pytest

from .helpers import open_dossier


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
    ('{"procedure": "1.001612", "applicant": {"name": "a\\u0000b"}, "channel": "direct"}', 400),
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
    body = '{"procedure": "1.001612", "data": {"x": "' + "y" * 1_100_000 + '"}}'
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
