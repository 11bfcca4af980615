"""The one-stop life cycle over the API: online reception or refusal,
supplement requests (in time, late: refused or flagged), the clock per
policy, one extension, withdrawal, stop, and returning the result; each with
its national status code."""
from dataclasses import replace
from datetime import timedelta

import pytest

from .helpers import claim_and_complete, open_dossier, open_task

CHECK = {"business_name": "Tiệm", "capital": 5, "needs_inspection": False}


def _post(caller, code, action, body=None, status=200):
    response = caller.post(f"/api/v1/dossiers/{code}/{action}", json=body or {})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_online_submission_is_received_or_refused(household, login_as):
    reception = login_as("reception")
    first = open_dossier(reception, household, channel="online")
    second = open_dossier(reception, household, channel="online")
    received = _post(reception, first["code"], "receive")
    assert (received["national_status"], received["due_at"]) == (
        2, "2026-05-04T09:00:00.000+07:00")
    assert [t["element_id"] for t in received["tasks"]] == ["Task_Check"]
    refused = _post(reception, second["code"], "refuse", {"reason": "sai thủ tục"})
    assert (refused["national_status"], refused["status"], refused["tasks"]) == (3, "refused", [])
    _post(reception, second["code"], "receive", status=409)
    _post(reception, first["code"], "refuse", {"reason": "x"}, status=409)
    _post(login_as("officer"), first["code"], "receive", status=403)


def test_supplement_pauses_then_restarts_the_clock(household, login_as, clock):
    reception = login_as("reception")
    dossier = open_dossier(reception, household)  # Fri 24 Apr 09:00, due Mon 4 May 09:00
    clock.advance(timedelta(hours=1))
    asked = _post(reception, dossier["code"], "supplement-request",
                  {"missing": ["Bản sao CCCD", "Biên bản họp gia đình"], "note": "thiếu"})
    assert (asked["national_status"], asked["late"]) == (5, False)
    assert asked["clock"]["state"] == "paused"
    assert [t["element_id"] for t in asked["tasks"]] == ["Task_Check"]  # the step waits
    clock.advance(timedelta(days=7))  # back on Fri 1 May (a holiday) 10:00
    back = _post(reception, dossier["code"], "supplement-received", {"documents": ["CCCD"]})
    assert (back["national_status"], back["clock"]["state"]) == (2, "running")
    # the 2018 rule: the full 3 working days again from the next working session
    assert back["due_at"] == "2026-05-06T17:00:00.000+07:00"
    history = [e["type"] for e in reception.get(
        f"/api/v1/dossiers/{dossier['code']}/history").get_json()]
    assert [t for t in history if t.startswith(("dossier.supplement", "clock."))] == [
        "clock.paused", "dossier.supplement_requested", "dossier.supplement_received"]


@pytest.mark.parametrize("policy, status", [("refuse", 409), ("flag", 200)])
def test_late_supplement_request(household, login_as, clock, app, policy, status):
    app.config["SETTINGS"] = replace(app.config["SETTINGS"], late_supplement=policy)
    reception = login_as("reception")
    dossier = open_dossier(reception, household)  # Fri 24 Apr 09:00
    clock.advance(timedelta(days=12))  # Wed 6 May 09:00: 4 working days later
    body = _post(reception, dossier["code"], "supplement-request",
                 {"missing": ["Giấy tờ"]}, status=status)
    if policy == "flag":
        assert body["late"] is True and body["national_status"] == 5
    else:
        again = reception.get(f"/api/v1/dossiers/{dossier['code']}").get_json()
        assert again["national_status"] == 2 and again["clock"]["state"] == "running"


def test_one_extension_in_time(household, login_as, clock):
    reception, leader = login_as("reception"), login_as("leader")
    code = open_dossier(reception, household)["code"]  # due Mon 4 May 09:00
    new_due = "2026-05-06T17:00:00+07:00"  # at most the due time plus 3 working days
    _post(reception, code, "extension", {"new_due_at": new_due, "reason": "x"}, status=403)
    body = _post(leader, code, "extension", {"new_due_at": new_due, "reason": "chờ xác minh"})
    assert body["due_at"] == body["clock"]["extended_to"] == "2026-05-06T17:00:00.000+07:00"
    assert body["slip_url"] == f"/api/v1/dossiers/{code}/slips/apology"
    _post(leader, code, "extension", {"new_due_at": "2026-05-12T17:00:00+07:00",
                                      "reason": "again"}, status=409)


def test_extension_too_late_or_after_due(household, login_as, clock):
    reception, leader = login_as("reception"), login_as("leader")
    code = open_dossier(reception, household)["code"]  # due Mon 4 May 09:00
    clock.advance(timedelta(days=5, hours=1))  # Wed 29 Apr 10:00: 7 working hours left
    _post(leader, code, "extension", {"new_due_at": "2026-05-08T17:00:00+07:00",
                                      "reason": "late"}, status=409)
    clock.advance(timedelta(days=7))  # past the due time
    _post(leader, code, "extension", {"new_due_at": "2026-05-12T17:00:00+07:00",
                                      "reason": "after"}, status=409)


def test_withdraw_and_stop_close_the_dossier(household, login_as):
    reception, leader = login_as("reception"), login_as("leader")
    first, second = open_dossier(reception, household), open_dossier(reception, household)
    withdrawn = _post(reception, first["code"], "withdraw", {"reason": "người dân rút"})
    assert (withdrawn["national_status"], withdrawn["tasks"], withdrawn["clock"]["state"]) == (
        7, [], "stopped")
    assert reception.post(f"/api/v1/tasks/{first['tasks'][0]['id']}/claim").status_code == 409
    _post(reception, second["code"], "stop", {"reason": "x"}, status=403)
    stopped = _post(leader, second["code"], "stop", {"reason": "vi phạm"})
    assert stopped["national_status"] == 8
    _post(reception, second["code"], "withdraw", {"reason": "x"}, status=409)
    _post(reception, first["code"], "withdraw", {"reason": ""}, status=422)


def test_result_is_returned_once_resolved(household, login_as, client):
    reception, officer, leader = login_as("reception"), login_as("officer"), login_as("leader")
    code = open_dossier(reception, household)["code"]
    _post(reception, code, "return", {"channel": "desk"}, status=409)
    claim_and_complete(reception, open_task(reception, code, "Task_Check")["id"], CHECK)
    claim_and_complete(officer, open_task(officer, code, "Task_Review")["id"],
                       {"review_note": "ok", "review_outcome": "ok"})
    claim_and_complete(reception, open_task(reception, code, "Task_Fee")["id"], {})
    claim_and_complete(leader, open_task(leader, code, "Task_Approve")["id"],
                       {"decision": "approve"})
    _post(reception, code, "return", {"channel": "fax"}, status=422)
    returned = _post(reception, code, "return", {"channel": "post", "note": "gửi bưu điện"})
    assert (returned["status"], returned["national_status"]) == ("returned", 10)
    assert client.get(f"/api/v1/public/dossiers/{code}").get_json()["national_status"] == 10
    _post(reception, code, "return", {"channel": "desk"}, status=409)


def test_steps_wait_while_a_supplement_is_awaited(household, login_as):
    reception = login_as("reception")
    dossier = open_dossier(reception, household)
    task = dossier["tasks"][0]
    reception.post(f"/api/v1/tasks/{task['id']}/claim")
    _post(reception, dossier["code"], "supplement-request", {"missing": ["CCCD"]})
    response = reception.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CHECK})
    assert response.status_code == 409
    assert reception.get(f"/api/v1/dossiers/{dossier['code']}").get_json()["status"] == \
        "supplement"
    _post(reception, dossier["code"], "supplement-received")
    claim_and_complete(reception, task["id"], CHECK)


def test_the_supplement_window_runs_from_reception(household, login_as, clock):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]  # Fri 24 Apr 09:00
    _post(reception, code, "supplement-request", {"missing": ["CCCD"]})
    clock.advance(timedelta(days=10))  # Mon 4 May: the clock restarts from zero
    _post(reception, code, "supplement-received")
    clock.advance(timedelta(days=1))  # Tue 5 May: 3.5 working days after reception
    _post(reception, code, "supplement-request", {"missing": ["Giấy tờ khác"]}, status=409)


def test_extension_dates_out_of_range_are_422(household, login_as):
    code = open_dossier(login_as("reception"), household)["code"]
    _post(login_as("leader"), code, "extension",
          {"new_due_at": "9999-12-31T23:59:59-12:00", "reason": "x"}, status=422)
