"""A dossier through a three-lane diagram (exclusive gateway, parallel split),
over the API only: every task claimed and completed by an officer of its
lane's unit, the dossier resolved, and its history naming who did what when."""
import threading
from datetime import timedelta

import pytest

from api.config import TestConfig
from engine.kernel import audit
from engine.kernel.events import verify_stream

from .helpers import claim_and_complete, open_dossier, open_task


@pytest.mark.parametrize("inspect", [True, False])
def test_dossier_runs_through_three_lanes(household, login_as, clock, db, inspect):
    reception, officer, leader = login_as("reception"), login_as("officer"), login_as("leader")
    dossier = open_dossier(reception, household)
    code = dossier["code"]
    assert code.startswith("000.00.01.H22-260424-")
    assert dossier["national_status"] == 2 and dossier["status"] == "received"
    assert [t["element_id"] for t in dossier["tasks"]] == ["Task_Check"]
    assert dossier["tasks"][0]["candidate_groups"] == ["TTPVHCC"]

    check = dossier["tasks"][0]
    clock.advance(timedelta(minutes=30))
    result = claim_and_complete(reception, check["id"], {
        "business_name": "Quán Cơm Bình Dân", "capital": 50_000_000,
        "needs_inspection": inspect})
    opened = sorted(t["element_id"] for t in result["tasks"])
    assert opened == (["Task_Inspect"] if inspect else ["Task_Fee", "Task_Review"])
    if inspect:
        task = open_task(officer, code, "Task_Inspect")
        result = claim_and_complete(officer, task["id"], {})
        assert sorted(t["element_id"] for t in result["tasks"]) == ["Task_Fee", "Task_Review"]

    review = open_task(officer, code, "Task_Review")
    fee = open_task(reception, code, "Task_Fee")
    result = claim_and_complete(officer, review["id"],
                                {"review_note": "đủ điều kiện", "review_outcome": "ok"})
    assert [t["element_id"] for t in result["tasks"]] == ["Task_Fee"]  # join waits
    assert officer.get(f"/api/v1/dossiers/{code}").get_json()["national_status"] == 4
    result = claim_and_complete(reception, fee["id"], {})
    assert [t["element_id"] for t in result["tasks"]] == ["Task_Approve"]
    approve = result["tasks"][0]
    assert approve["candidate_groups"] == ["UBND.PHUHOI.LD"]
    result = claim_and_complete(leader, approve["id"], {"decision": "approve"})
    assert result["tasks"] == []

    final = leader.get(f"/api/v1/dossiers/{code}").get_json()
    assert final["status"] == "resolved" and final["national_status"] == 9
    assert final["data"]["business_name"] == "Quán Cơm Bình Dân"
    assert final["data"]["decision"] == "approve"

    history = [e for e in leader.get(f"/api/v1/dossiers/{code}/history").get_json()
               if e["type"] != "dossier.viewed"]  # who read it is logged too
    done = [(e["type"], e["element_id"], e["actor"]) for e in history
            if e["type"] in ("task.claimed", "task.completed")]
    steps = ["Task_Check"] + (["Task_Inspect"] if inspect else []) + [
        "Task_Review", "Task_Fee", "Task_Approve"]
    who = {"Task_Check": "reception", "Task_Inspect": "officer", "Task_Review": "officer",
           "Task_Fee": "reception", "Task_Approve": "leader"}
    assert done == [pair for step in steps for pair in (
        ("task.claimed", step, who[step]), ("task.completed", step, who[step]))]
    assert history[0]["type"] == "dossier.received"
    assert history[-1]["type"] == "dossier.resolved"
    assert all(e["at"].endswith("+07:00") for e in history)
    assert history[0]["at"] == "2026-04-24T09:00:00.000+07:00"
    assert history[-1]["at"] == "2026-04-24T09:30:00.000+07:00"
    keyring = audit.keyring(TestConfig.SETTINGS)
    assert verify_stream(db, code, keyring) is None  # the whole history is one intact chain


def test_codes_are_sequential_per_agency_and_day(household, login_as, clock):
    reception = login_as("reception")
    codes = [open_dossier(reception, household)["code"] for _ in range(3)]
    assert codes == [f"000.00.01.H22-260424-{n:04d}" for n in (1, 2, 3)]
    clock.advance(timedelta(days=1))
    assert open_dossier(reception, household)["code"] == "000.00.01.H22-260425-0001"


def test_concurrent_openings_get_distinct_codes(household, login_as, app):
    reception = login_as("reception")
    barrier, codes = threading.Barrier(4), []
    body = {"procedure": household, "handling_unit": "UBND.PHUHOI",
            "applicant": {"name": "A"}, "channel": "direct"}

    def open_one():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/dossiers", headers=reception.headers, json=body)
        codes.append((response.status_code, response.get_json().get("code")))

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [(201, f"000.00.01.H22-260424-{n:04d}") for n in range(1, 5)]
