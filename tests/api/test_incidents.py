"""A script that fails at run time puts the dossier into a visible incident
(the request still succeeds); a leader retries it with corrected data."""
import pytest

from .conftest_data import minimal_bpmn
from .helpers import open_dossier


@pytest.fixture
def failing(demo, login_as):
    designer = login_as("designer")
    designer.post("/api/v1/procedures", json={
        "code": "FEE.1", "name": "Fee", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    response = designer.post("/api/v1/procedures/FEE.1/versions",
                             data=minimal_bpmn("fee = base_fee * 2"),
                             content_type="application/xml")
    assert response.status_code == 201, response.get_json()
    return "FEE.1"


def test_incident_is_visible_and_retryable(failing, login_as):
    dossier = open_dossier(login_as("reception"), failing)
    assert dossier["status"] == "incident" and dossier["tasks"] == []
    assert dossier["incident"]["element_id"] == "Script_1"
    assert "base_fee" in dossier["incident"]["message"]
    code, leader = dossier["code"], login_as("leader")
    assert login_as("officer").post(f"/api/v1/dossiers/{code}/retry", json={}).status_code \
        == 403
    still = leader.post(f"/api/v1/dossiers/{code}/retry", json={})
    assert still.status_code == 200 and still.get_json()["status"] == "incident"
    fixed = leader.post(f"/api/v1/dossiers/{code}/retry", json={"data": {"base_fee": 50}})
    body = fixed.get_json()
    assert body["status"] == "received" and body["incident"] is None
    assert [t["element_id"] for t in body["tasks"]] == ["Task_1"]
    assert body["data"]["fee"] == 100
    types = [e["type"] for e in leader.get(f"/api/v1/dossiers/{code}/history").get_json()]
    assert types.count("dossier.incident") == 2 and types.count("dossier.retried") == 2
    assert leader.post(f"/api/v1/dossiers/{code}/retry", json={}).status_code == 409
