"""Roles plus units: who may see, claim, unclaim and assign what."""
from engine.catalogue.loading import load_people

from .helpers import open_dossier

SIBLING = {"users": [{"username": "stp-sup", "password": "stp-sup-password",
                      "roles": ["supervisor"], "units": ["STP"]}]}


def test_leader_of_another_unit_cannot_touch_the_desk_task(household, login_as):
    reception, leader = login_as("reception"), login_as("leader")
    task = open_dossier(reception, household)["tasks"][0]
    reception.post(f"/api/v1/tasks/{task['id']}/claim")
    assert leader.get(f"/api/v1/tasks/{task['id']}").status_code == 404
    assert leader.post(f"/api/v1/tasks/{task['id']}/unclaim").status_code == 404
    assert reception.get(f"/api/v1/tasks/{task['id']}").get_json()["assignee"] == "reception"


def test_supervisor_above_sees_and_assigns_but_does_not_claim(household, login_as):
    reception, supervisor = login_as("reception"), login_as("supervisor")
    task = open_dossier(reception, household)["tasks"][0]
    assert supervisor.get(f"/api/v1/tasks/{task['id']}").status_code == 200
    response = supervisor.post(f"/api/v1/tasks/{task['id']}/claim")
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert supervisor.post(f"/api/v1/tasks/{task['id']}/assign",
                           json={"username": "reception"}).status_code == 200
    assert supervisor.post(f"/api/v1/tasks/{task['id']}/unclaim").status_code == 200


def test_supervisor_of_a_sibling_unit_sees_nothing(household, login_as, admin_ctx):
    load_people(admin_ctx, SIBLING)
    code = open_dossier(login_as("reception"), household)["code"]
    sibling = login_as("stp-sup", "stp-sup-password")
    assert sibling.get("/api/v1/dossiers").get_json()["total"] == 0
    assert sibling.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert sibling.get("/api/v1/tasks").get_json()["total"] == 0


def test_unclaiming_an_unclaimed_task_is_harmless(household, login_as):
    reception = login_as("reception")
    task = open_dossier(reception, household)["tasks"][0]
    response = reception.post(f"/api/v1/tasks/{task['id']}/unclaim")
    assert response.status_code == 200 and response.get_json()["assignee"] is None


def test_unit_codes_cannot_be_role_names(demo, login_as):
    response = login_as("admin").post("/api/v1/units", json={"code": "leader", "name": "x"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "code"
