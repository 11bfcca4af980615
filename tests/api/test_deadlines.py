"""Due times on the Vietnamese calendar, and the escalation ladder driven by
the acceptance-run clock (`POST /admin/clock`) and a scheduler tick."""
from engine.scheduling.scheduler import run_once

from .helpers import claim_and_complete, open_dossier, open_task

CHECK = {"business_name": "Tiệm", "capital": 5, "needs_inspection": False}


def _types(caller):
    return [n["type"] for n in caller.get("/api/v1/notifications").get_json()["items"]]


def test_due_monday_4_may_then_a_day_earlier_with_a_worked_saturday(household, login_as):
    admin, reception = login_as("admin"), login_as("reception")
    moved = admin.post("/api/v1/admin/clock", json={"now": "2026-04-24T16:00:00+07:00"})
    assert moved.get_json() == {"now": "2026-04-24T16:00:00.000+07:00"}
    dossier = open_dossier(reception, household)  # 3 working days
    assert dossier["received_at"] == "2026-04-24T16:00:00.000+07:00"
    assert dossier["transfer_by"] == "2026-04-28T11:30:00.000+07:00"  # after the cut-off
    assert dossier["due_at"] == "2026-05-04T16:00:00.000+07:00"
    assert dossier["clock"]["state"] == "running"
    assert dossier["clock"]["started_at"] == "2026-04-24T16:00:00.000+07:00"
    assert dossier["tasks"][0]["due_at"] == "2026-04-28T10:30:00.000+07:00"  # 4h allotment
    override = admin.post("/api/v1/calendar/overrides", json={
        "date": "2026-05-02", "kind": "working_day", "reason": "làm bù"})
    assert override.status_code == 201
    again = open_dossier(reception, household)
    assert again["due_at"] == "2026-05-02T16:00:00.000+07:00"
    # the calendar change did not move the first dossier's deadline
    first = reception.get(f"/api/v1/dossiers/{dossier['code']}").get_json()
    assert first["due_at"] == "2026-05-04T16:00:00.000+07:00"


def test_after_hours_reception_starts_the_clock_next_session(household, login_as):
    login_as("admin").post("/api/v1/admin/clock", json={"now": "2026-04-24T18:30:00+07:00"})
    dossier = open_dossier(login_as("reception"), household)
    assert dossier["received_at"] == "2026-04-24T18:30:00.000+07:00"
    assert dossier["clock"]["started_at"] == "2026-04-28T07:30:00.000+07:00"
    assert dossier["due_at"] == "2026-05-04T17:00:00.000+07:00"


def test_overdue_step_notifies_leader_then_supervisor(household, login_as, admin_ctx):
    admin, reception, officer = login_as("admin"), login_as("reception"), login_as("officer")
    leader, supervisor = login_as("leader"), login_as("supervisor")
    dossier = open_dossier(reception, household)  # Friday 24 April 09:00
    claim_and_complete(reception, dossier["tasks"][0]["id"], CHECK)
    review = open_task(officer, dossier["code"], "Task_Review")
    assert review["due_at"] == "2026-04-28T09:00:00.000+07:00"  # 8h, Monday 27 is a holiday
    officer.post(f"/api/v1/tasks/{review['id']}/claim")
    assert officer.get("/api/v1/tasks?overdue=true").get_json()["total"] == 0

    admin.post("/api/v1/admin/clock", json={"now": "2026-04-28T09:01:00+07:00"})
    # the review's reminder (Fri 16:30) and overdue mark; the fee step's (2h) two as well
    assert run_once(admin_ctx) == 4
    overdue = officer.get("/api/v1/tasks?scope=mine&overdue=true").get_json()["items"]
    assert [(t["element_id"], t["overdue_at"]) for t in overdue] == [
        ("Task_Review", "2026-04-28T09:01:00.000+07:00")]
    assert "task.due_soon" in _types(officer)
    assert _types(leader) == ["task.overdue"]
    assert _types(supervisor) == []

    admin.post("/api/v1/admin/clock", json={"advance": "P1D"})  # a working day later
    run_once(admin_ctx)
    escalated = supervisor.get("/api/v1/notifications").get_json()["items"]
    assert ("task.escalated", review["id"]) in [(n["type"], n["task_id"]) for n in escalated]
    assert _types(leader) == ["task.overdue"]  # kept, not repeated
    assert _types(login_as("deskleader")) == ["task.overdue"]  # the desk's fee step
    history = [e["type"] for e in leader.get(
        f"/api/v1/dossiers/{dossier['code']}/history").get_json()]
    assert {"task.reminded", "task.overdue", "dossier.escalated"} <= set(history)


def test_clock_control_is_admin_only_and_validated(household, login_as):
    assert login_as("officer").post("/api/v1/admin/clock",
                                    json={"advance": "PT1H"}).status_code == 403
    admin = login_as("admin")
    assert admin.post("/api/v1/admin/clock", json={"advance": "soon"}).status_code == 422
    assert admin.post("/api/v1/admin/clock", json={}).status_code == 422
    moved = admin.post("/api/v1/admin/clock", json={"advance": "PT1H30M"}).get_json()
    assert moved == {"now": "2026-04-24T10:30:00.000+07:00"}


def test_clock_control_route_is_absent_by_default(config, demo):
    from api import create_app
    config.CLOCK_CONTROL = False
    client = create_app(config).test_client()
    assert client.post("/api/v1/admin/clock", json={"advance": "PT1H"}).status_code == 404


def test_acceptance_clock_is_shared_and_runs_on(config, demo, admin_ctx):
    """With clock control and no test clock, the clock is the wall clock moved
    by an offset kept in the database: a dossier opened after moving it is
    received at the set instant, on SQLite too (no lock wait on the offset)."""
    from datetime import datetime

    from api import create_app
    from engine.catalogue.loading import load_procedure_folder

    from ..conftest import PASSWORDS, PROCESSES
    load_procedure_folder(admin_ctx, PROCESSES / "business-household")
    admin_ctx.session.close()
    config.CLOCK = None
    client = create_app(config).test_client()

    def login(name):
        token = client.post("/api/v1/auth/token", json={
            "username": name, "password": PASSWORDS[name]}).get_json()["access_token"]
        return {"Authorization": f"Bearer {token}"}
    moved = client.post("/api/v1/admin/clock", headers=login("admin"),
                        json={"now": "2026-04-24T16:00:00+07:00"})
    assert moved.status_code == 200
    response = client.post("/api/v1/dossiers", headers=login("reception"), json={
        "procedure": "1.001612", "handling_unit": "UBND.PHUHOI", "applicant": {"name": "A"},
        "channel": "direct"})
    assert response.status_code == 201, response.get_json()
    received = datetime.fromisoformat(response.get_json()["received_at"])
    assert 0 <= (received - datetime.fromisoformat("2026-04-24T16:00:00+07:00")
                 ).total_seconds() < 5  # the clock runs on from the set instant
    assert response.get_json()["due_at"].startswith("2026-05-04T16:00:0")


def test_two_processes_share_the_moved_clock_at_once(config, migrated):
    """Each worker process builds its own clock; moving one moves the others."""
    from datetime import datetime

    from api import create_app
    from api.setup import make_clock
    config.CLOCK = None
    app = create_app(config)
    worker_a, worker_b = make_clock(app, config), make_clock(app, config)
    worker_b.now()  # b has read the offset once already
    worker_a.set(datetime.fromisoformat("2030-01-02T08:00:00+07:00"))
    assert abs((worker_b.now() - datetime.fromisoformat("2030-01-02T08:00:00+07:00"))
               .total_seconds()) < 5
