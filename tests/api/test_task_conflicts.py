"""Claims and completions that must fail cleanly: double claim, double
completion, the wrong unit, and two clients completing one task at once."""
import threading

from .helpers import claim_and_complete, open_dossier

CHECK = {"business_name": "Tiệm Tạp Hóa", "capital": 1, "needs_inspection": False}


def _first_task(caller, household):
    return open_dossier(caller, household)["tasks"][0]


def _problem(response, status):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_second_claim_is_409(household, login_as, admin_ctx):
    from engine.catalogue.loading import load_people
    load_people(admin_ctx, {"users": [{"username": "desk2", "password": "desk2-password",
                                       "roles": ["reception"], "units": ["TTPVHCC"]}]})
    reception, desk2 = login_as("reception"), login_as("desk2", "desk2-password")
    task = _first_task(reception, household)
    assert reception.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    assert reception.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200  # idempotent
    body = _problem(desk2.post(f"/api/v1/tasks/{task['id']}/claim"), 409)
    assert "reception" in body["detail"]


def test_completing_twice_is_409(household, login_as):
    reception = login_as("reception")
    task = _first_task(reception, household)
    claim_and_complete(reception, task["id"], CHECK)
    _problem(reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CHECK}), 409)


def test_complete_without_claim_is_409_and_changes_nothing(household, login_as):
    reception = login_as("reception")
    task = _first_task(reception, household)
    before = reception.get(f"/api/v1/dossiers/{task['dossier_code']}").get_json()
    _problem(reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CHECK}), 409)
    after = reception.get(f"/api/v1/dossiers/{task['dossier_code']}").get_json()
    assert after == before


def test_officer_of_another_unit_cannot_see_or_claim(household, login_as):
    reception, justice = login_as("reception"), login_as("justice")
    task = _first_task(reception, household)
    _problem(justice.get(f"/api/v1/tasks/{task['id']}"), 404)
    _problem(justice.post(f"/api/v1/tasks/{task['id']}/claim"), 404)
    _problem(justice.get(f"/api/v1/dossiers/{task['dossier_code']}"), 404)
    _problem(justice.get(f"/api/v1/dossiers/{task['dossier_code']}/history"), 404)
    assert justice.get("/api/v1/tasks?scope=available").get_json()["total"] == 0
    assert justice.get("/api/v1/dossiers").get_json()["total"] == 0
    assert reception.get("/api/v1/tasks?scope=available").get_json()["total"] == 1


def test_unclaim_and_assign(household, login_as):
    reception = login_as("reception")
    task = _first_task(reception, household)
    reception.post(f"/api/v1/tasks/{task['id']}/claim")
    assert reception.get("/api/v1/tasks?scope=mine").get_json()["total"] == 1
    response = reception.post(f"/api/v1/tasks/{task['id']}/unclaim")
    assert response.status_code == 200 and response.get_json()["assignee"] is None
    _problem(reception.post(f"/api/v1/tasks/{task['id']}/assign",
                            json={"username": "reception"}), 403)
    _problem(login_as("supervisor").post(f"/api/v1/tasks/{task['id']}/assign",
                                         json={"username": "officer"}), 422)
    response = login_as("supervisor").post(f"/api/v1/tasks/{task['id']}/assign",
                                           json={"username": "reception"})
    assert response.status_code == 200 and response.get_json()["assignee"] == "reception"


def test_two_clients_completing_one_task_at_once(household, login_as, app):
    reception = login_as("reception")
    task = _first_task(reception, household)
    reception.post(f"/api/v1/tasks/{task['id']}/claim")
    barrier, statuses = threading.Barrier(2), []

    def complete():
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/tasks/{task['id']}/complete",
                               headers=reception.headers, json={"data": CHECK})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    history = reception.get(f"/api/v1/dossiers/{task['dossier_code']}/history").get_json()
    assert [e["type"] for e in history].count("task.completed") == 1


def test_stale_revision_loses_cleanly(household, login_as, db):
    """A writer holding an old revision fails, and nothing it wrote is kept."""
    import pytest
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from engine.store.dossiers import Dossier

    reception = login_as("reception")
    task = _first_task(reception, household)
    with Session(db.get_bind(), expire_on_commit=False) as other:
        stale = other.query(Dossier).filter_by(code=task["dossier_code"]).one()
        other.commit()
        seen = stale.revision
        reception.post(f"/api/v1/tasks/{task['id']}/claim")  # another writer moves it on
        stale.data, stale.revision = {"lost": "update"}, seen + 1
        with pytest.raises(StaleDataError):
            other.commit()
    fresh = reception.get(f"/api/v1/dossiers/{task['dossier_code']}").get_json()
    assert fresh["revision"] == seen + 1 and "lost" not in fresh["data"]
