"""Public tracking by code, dossier lists and filters, health, metrics, OpenAPI."""
import json

from .helpers import APPLICANT, open_dossier


def test_public_tracking_shows_no_personal_data(household, login_as, client):
    code = open_dossier(login_as("reception"), household)["code"]
    response = client.get(f"/api/v1/public/dossiers/{code}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["code"] == code and body["national_status"] == 2
    assert body["received_at"] == "2026-04-24T09:00:00.000+07:00"
    text = json.dumps(body, ensure_ascii=False)
    for value in APPLICANT.values():
        assert value not in text
    assert client.get("/api/v1/public/dossiers/000.00.01.H22-260424-9999").status_code == 404


def test_public_tracking_is_throttled_per_address(household, login_as, client):
    code = open_dossier(login_as("reception"), household)["code"]
    statuses = [client.get(f"/api/v1/public/dossiers/{code[:-4]}{n:04d}").status_code
                for n in range(1, 61)]  # walking the sequential codes
    assert statuses[0] == 200 and statuses.count(429) == 30  # 30 per address per window
    response = client.get(f"/api/v1/public/dossiers/{code}")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_dossier_list_filters_and_pages(household, login_as):
    reception = login_as("reception")
    for _ in range(3):
        open_dossier(reception, household)
    page = reception.get("/api/v1/dossiers?per_page=2&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 2, 1)
    assert reception.get(f"/api/v1/dossiers?procedure={household}").get_json()["total"] == 3
    assert reception.get("/api/v1/dossiers?status=resolved").get_json()["total"] == 0
    assert reception.get("/api/v1/dossiers?per_page=0").status_code == 422
    supervisor = login_as("supervisor")
    assert supervisor.get("/api/v1/dossiers").get_json()["total"] == 3


def test_online_submission_waits_as_new(household, login_as):
    dossier = open_dossier(login_as("reception"), household, channel="online")
    assert dossier["national_status"] == 1 and dossier["status"] == "new"
    assert dossier["tasks"] == [] and dossier["received_at"] is None


def test_open_dossier_errors(household, demo, login_as):
    reception, officer = login_as("reception"), login_as("officer")
    body = {"procedure": household, "handling_unit": "UBND.PHUHOI", "applicant": APPLICANT,
            "channel": "direct"}
    assert officer.post("/api/v1/dossiers", json=body).status_code == 403
    response = reception.post("/api/v1/dossiers",
                              json={**body, "channel": "fax", "applicant": {}})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"channel", "applicant.name"}
    assert reception.post("/api/v1/dossiers", json={**body, "procedure": "NONE"}).status_code \
        == 404


def test_health_metrics_openapi(app, client):
    response = client.get("/healthz")  # no scheduler here has ever beaten: degraded
    health = response.get_json()
    assert response.status_code == 503 and health["status"] == "degraded"
    assert health["database"] == "ok" and health["scheduler_heartbeat_age_seconds"] is None
    assert health["problems"] == ["no scheduler heartbeat yet: no scheduler process has run"]
    assert client.get("/metrics").status_code == 200
    assert b"motcua_http_requests_total" in client.get("/metrics").data
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert "TaskOut" in spec["components"]["schemas"]
    assert client.get("/api/v1/docs").status_code == 200
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_scheduler_tick_reports_heartbeat(admin_ctx, client, clock):
    from datetime import timedelta

    from engine.scheduling.scheduler import run_once
    run_once(admin_ctx, "s1")
    clock.advance(timedelta(seconds=3))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {
        "status": "ok", "database": "ok", "scheduler_heartbeat_age_seconds": 3.0,
        "heartbeat_max_age_seconds": 30, "problems": []}


def test_a_stale_heartbeat_or_no_database_is_degraded(admin_ctx, app, client, clock,
                                                      monkeypatch):
    from datetime import timedelta

    from api import health
    from engine.scheduling.scheduler import run_once
    run_once(admin_ctx, "s1")
    clock.advance(timedelta(seconds=55))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "degraded"
    assert response.get_json()["problems"] == [
        "scheduler heartbeat is 55 s old (more than 30 s)"]

    def unreachable(*_args):
        raise OSError("connection refused")
    monkeypatch.setattr(health, "heartbeat_age", unreachable)
    body = client.get("/healthz").get_json()
    assert (body["status"], body["database"], body["problems"]) == (
        "degraded", "unreachable", ["database unreachable"])
