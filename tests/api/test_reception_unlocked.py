"""Receiving runs the diagram's first steps with no database lock held
(`workflow.in_two_phases`), as completion and timers do: at the desk the
dossier's code is taken in its own short transaction first; receiving an
online submission or the papers of a supplement runs on a snapshot, is run
again when the dossier changed meanwhile, and is a conflict that writes
nothing when it keeps changing."""
from pathlib import Path

import pytest
from sqlalchemy import update

from engine.dossier import workflow
from engine.store.dossiers import Dossier, DossierSequence

from .helpers import open_dossier

pytestmark = pytest.mark.timeout(60)  # a write waiting on a held lock would hang here


def _post(caller, code, action, body=None, status=200):
    response = caller.post(f"/api/v1/dossiers/{code}/{action}", json=body or {})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _while_the_engine_runs(monkeypatch, db, write, times=1):
    """Have another session commit `write` each of the first `times` engine runs:
    it would wait (and fail the test) if the command held a lock meanwhile."""
    runs, real = [], workflow.run

    def run(instance, step=None):
        runs.append(dict(instance.data))
        if len(runs) <= times:
            db.execute(write)
            db.commit()
        return real(instance, step)
    monkeypatch.setattr(workflow, "run", run)
    return runs


def _bump(code):
    return update(Dossier).where(Dossier.code == code).values(revision=Dossier.revision + 1)


def _types(caller, code):
    history = caller.get(f"/api/v1/dossiers/{code}/history").get_json()
    return [e["type"] for e in history if e["type"] != "dossier.viewed"]


def test_at_the_desk_the_code_is_taken_before_the_diagram_runs_unlocked(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    touch_sequence = update(DossierSequence).values(last=DossierSequence.last)
    first = open_dossier(reception, household)  # the day's sequence row exists
    runs = _while_the_engine_runs(monkeypatch, db, touch_sequence)
    second = open_dossier(reception, household)
    assert len(runs) == 1 and runs[0]["dossier_code"] == second["code"] != first["code"]
    assert second["status"] == "received" and second["data"]["dossier_code"] == second["code"]
    assert [t["element_id"] for t in second["tasks"]] == ["Task_Check"]


def test_an_online_submission_changed_while_received_is_run_again(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    code = open_dossier(reception, household, channel="online")["code"]
    runs = _while_the_engine_runs(monkeypatch, db, _bump(code), times=1)
    received = _post(reception, code, "receive")
    assert len(runs) == 2 and received["status"] == "received"
    assert [t["element_id"] for t in received["tasks"]] == ["Task_Check"]
    assert _types(reception, code).count("dossier.received") == 1


def test_receiving_a_dossier_that_keeps_changing_is_a_conflict_writing_nothing(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    code = open_dossier(reception, household, channel="online")["code"]
    runs = _while_the_engine_runs(monkeypatch, db, _bump(code), times=99)
    _post(reception, code, "receive", status=409)
    monkeypatch.undo()
    assert len(runs) == workflow.ATTEMPTS
    after = reception.get(f"/api/v1/dossiers/{code}").get_json()
    assert (after["status"], after["tasks"], after["due_at"]) == ("new", [], None)
    assert "dossier.received" not in _types(reception, code)


def test_papers_back_run_unlocked_and_again_when_the_dossier_changed(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    _post(reception, code, "supplement-request", {"missing": ["CCCD"]})
    runs = _while_the_engine_runs(monkeypatch, db, _bump(code), times=1)
    back = _post(reception, code, "supplement-received", {"documents": ["CCCD"]})
    assert len(runs) == 2 and (back["status"], back["clock"]["state"]) == (
        "received", "running")
    assert _types(reception, code).count("dossier.supplement_received") == 1


def test_papers_back_on_a_dossier_that_keeps_changing_change_nothing(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    _post(reception, code, "supplement-request", {"missing": ["CCCD"]})
    _while_the_engine_runs(monkeypatch, db, _bump(code), times=99)
    _post(reception, code, "supplement-received", status=409)
    monkeypatch.undo()
    after = reception.get(f"/api/v1/dossiers/{code}").get_json()
    assert (after["status"], after["clock"]["state"]) == ("supplement", "paused")
    assert "dossier.supplement_received" not in _types(reception, code)


def test_papers_back_at_reception_receive_the_dossier_unlocked(
        household, login_as, db, monkeypatch):
    reception = login_as("reception")
    response = reception.post("/api/v1/dossiers", json={
        "procedure": household, "handling_unit": "UBND.PHUHOI", "channel": "direct",
        "outcome": "supplement",
        "missing": ["CCCD"], "applicant": {"name": "Trần Thị Bình", "id_number": "001099000001"},
        "data": {}})
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    runs = _while_the_engine_runs(monkeypatch, db, _bump(code), times=1)
    back = _post(reception, code, "supplement-received", {"documents": ["CCCD"]})
    assert len(runs) == 2 and back["status"] == "received" and back["received_at"]
    assert [t["element_id"] for t in back["tasks"]] == ["Task_Check"]


def test_a_version_deployed_while_the_desk_receives_leaves_the_dossier_on_its_own(
        household, login_as, db, monkeypatch, admin_ctx):
    from engine.catalogue import procedures
    folder = Path(__file__).resolve().parents[2] / "processes" / "business-household"
    xml = (folder / "business-household.bpmn").read_bytes().replace(
        b"</bpmn:definitions>", b"<!-- version 2 --></bpmn:definitions>")
    forms = [path.read_bytes() for path in sorted((folder / "forms").glob("*.json"))]
    deployed, real = [], workflow.run

    def run(instance, step=None):
        if not deployed:  # a designer deploys while the diagram runs, no lock in the way
            deployed.append(procedures.deploy_version(admin_ctx, household, xml, forms).number)
        return real(instance, step)
    monkeypatch.setattr(workflow, "run", run)
    reception = login_as("reception")
    dossier = open_dossier(reception, household)
    monkeypatch.undo()
    assert deployed == [2] and dossier["version"] == 1
    task = dossier["tasks"][0]
    assert reception.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "business_name": "Tiệm", "capital": 5, "needs_inspection": False}})
    assert response.status_code == 200, response.get_json()
    assert open_dossier(reception, household)["version"] == 2
