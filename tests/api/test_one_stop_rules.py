"""The one-stop rules as an outside review drove them with real 2026 dates:
steps and timers wait while the citizen is away, the overdue list holds only
dossiers whose clock runs, extension dates are bounded, every channel gets the
desk's three outcomes, one supplement per dossier, calendar days count from
the day after reception."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.scheduling.scheduler import run_once

from .conftest_data import create_and_deploy, deploy_timed, incident_and_timer_bpmn
from .helpers import APPLICANT, claim_and_complete, open_dossier, open_task

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CHECK = {"business_name": "Tiệm", "capital": 5, "needs_inspection": False}


def at(month, day, hour, minute=0, second=0):
    return datetime(2026, month, day, hour, minute, second, tzinfo=VN)


def iso(instant):
    return instant.isoformat(timespec="milliseconds")


def _post(caller, code, action, body=None, status=200):
    response = caller.post(f"/api/v1/dossiers/{code}/{action}", json=body or {})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _types(caller):
    return [n["type"] for n in caller.get("/api/v1/notifications").get_json()["items"]]


def test_steps_and_ladder_wait_during_a_supplement_then_restart(
        household, login_as, clock, admin_ctx):
    reception, deskleader = login_as("reception"), login_as("deskleader")
    clock.set(at(6, 1, 8))  # Monday 1 June 2026
    dossier = open_dossier(reception, household)
    assert dossier["tasks"][0]["due_at"] == iso(at(6, 1, 13, 30))  # the check's 4h
    _post(reception, dossier["code"], "supplement-request", {"missing": ["CCCD"]})
    clock.set(at(6, 3, 9))
    assert run_once(admin_ctx) == 0  # no rung, no dossier due time fires while away
    assert "task.overdue" not in _types(deskleader)
    assert reception.get("/api/v1/tasks?overdue=true").get_json()["total"] == 0
    assert reception.get("/api/v1/dossiers?overdue=true").get_json()["total"] == 0
    back = _post(reception, dossier["code"], "supplement-received")
    # restart policy: the statutory time and the step's allotment start again now
    assert back["due_at"] == iso(at(6, 8, 9))
    assert back["tasks"][0]["due_at"] == iso(at(6, 3, 14, 30))
    clock.set(at(6, 3, 14, 31))
    assert run_once(admin_ctx) == 2  # the reminder and the overdue mark, on the new times
    assert "task.overdue" in _types(deskleader)


def test_pause_policy_resumes_the_time_each_step_had_left(login_as, household, clock):
    reception, designer = login_as("reception"), login_as("designer")
    code = create_and_deploy(designer, "TEST.PAUSE", clock_policy="pause")
    clock.set(at(6, 1, 8))
    dossier = open_dossier(reception, code)  # due Thu 4 June 08:00, check due 13:30
    clock.set(at(6, 1, 10))  # 2 working hours of the check and 22 of the dossier left
    _post(reception, dossier["code"], "supplement-request", {"missing": ["CCCD"]})
    clock.set(at(6, 3, 9))
    back = _post(reception, dossier["code"], "supplement-received")
    assert back["tasks"][0]["due_at"] == iso(at(6, 3, 11))
    assert back["due_at"] == iso(at(6, 5, 16, 30))


def test_designer_timers_wait_during_a_supplement(demo, login_as, clock, admin_ctx):
    reception, designer = login_as("reception"), login_as("designer")
    code = deploy_timed(designer, duration="PT2S")
    clock.set(at(6, 1, 8))
    dossier = open_dossier(reception, code)
    _post(reception, dossier["code"], "supplement-request", {"missing": ["CCCD"]})
    clock.set(at(6, 1, 9))
    assert run_once(admin_ctx) == 0  # the boundary timer was due at 08:00:02: it waits
    _post(reception, dossier["code"], "supplement-received")
    clock.set(at(6, 1, 9, 0, 1))
    assert run_once(admin_ctx) == 0
    clock.set(at(6, 1, 9, 0, 3))  # moved on by the hour waited: due 09:00:02
    assert run_once(admin_ctx) == 1
    tasks = reception.get(f"/api/v1/dossiers/{dossier['code']}").get_json()["tasks"]
    assert [t["element_id"] for t in tasks] == ["Task_Escalated"]


def _at_desk(reception, household, **outcome):
    """A walk-in dossier given one of the desk's outcomes; its code."""
    response = reception.post("/api/v1/dossiers", json={
        "procedure": household, "handling_unit": "UBND.PHUHOI", "applicant": APPLICANT,
        "channel": "direct", **outcome})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def test_overdue_lists_only_running_clocks(household, login_as, clock):
    reception, leader = login_as("reception"), login_as("leader")
    codes = [open_dossier(reception, household)["code"] for _ in range(4)]
    _post(reception, codes[0], "withdraw", {"reason": "rút"})
    _post(leader, codes[1], "stop", {"reason": "dừng"})
    _post(reception, codes[2], "supplement-request", {"missing": ["CCCD"]})  # in processing
    never_received = {
        _at_desk(reception, household, outcome="refused", reason="Không thuộc thẩm quyền"): 3,
        open_dossier(reception, household, channel="online")["code"]: 1,
        _at_desk(reception, household, outcome="supplement", missing=["CCCD"]): 5}
    clock.advance(timedelta(days=30))
    overdue = reception.get("/api/v1/dossiers?overdue=true").get_json()
    assert [d["code"] for d in overdue["items"]] == [codes[3]]
    assert overdue["total"] == 1
    seen = {code: reception.get(f"/api/v1/dossiers/{code}").get_json()
            for code in [*codes, *never_received]}
    assert [seen[code]["national_status"] for code in codes] == [7, 8, 5, 2]
    assert seen[codes[2]]["received_at"] is not None  # waiting for papers, not sent back
    assert datetime.fromisoformat(seen[codes[3]]["due_at"]) < clock.now()  # running, past due
    for code, national in never_received.items():
        assert (seen[code]["national_status"], seen[code]["received_at"]) == (national, None)


@pytest.mark.parametrize("received, new_due, status, why", [
    (None, "2099-12-31T23:00:00+07:00", 422, "office hours"),
    (None, "2026-05-06T12:00:00+07:00", 422, "office hours"),  # lunch break
    (None, "2026-05-01T09:00:00+07:00", 422, "later than"),  # a holiday, before the due time
    (None, "2026-05-07T09:30:00+07:00", 422, "at most"),  # past due (4 May 09:00) + 3 working days
    # received Tue 21 April: due Fri 24 April 09:00, at most Mon 4 May 09:00 (27 and 30
    # April, 1 May are days off); a Sunday and holidays within that bound are refused
    # as days off, not as too late
    ((4, 21, 9), "2026-04-26T09:00:00+07:00", 422, "on a working day"),  # a Sunday
    ((4, 21, 9), "2026-04-27T09:00:00+07:00", 422, "on a working day"),  # Hùng Kings, observed
    ((4, 21, 9), "2026-04-30T10:00:00+07:00", 422, "on a working day"),  # 30 April
])
def test_extension_dates_are_bounded(household, login_as, clock, received, new_due, status, why):
    leader = login_as("leader")
    if received:
        clock.set(at(*received))
    code = open_dossier(login_as("reception"), household)["code"]  # due Mon 4 May 09:00
    body = _post(leader, code, "extension", {"new_due_at": new_due, "reason": "x"}, status)
    assert why in body["detail"] and body["errors"][0]["field"] == "new_due_at"
    if received:
        dossier = leader.get(f"/api/v1/dossiers/{code}").get_json()
        assert dossier["due_at"] < new_due < "2026-05-04T09:00:00+07:00"
        assert "at most" not in body["detail"]
    assert leader.get(f"/api/v1/dossiers/{code}").get_json()["clock"]["extended_to"] is None


def test_within_the_bound_a_working_instant_is_accepted(household, login_as, clock):
    """The counterpart of the days off above: the same dossier, a working morning."""
    clock.set(at(4, 21, 9))
    code = open_dossier(login_as("reception"), household)["code"]
    body = _post(login_as("leader"), code, "extension",
                 {"new_due_at": "2026-05-04T09:00:00+07:00", "reason": "x"})
    assert body["due_at"] == "2026-05-04T09:00:00.000+07:00"


def test_only_a_leader_of_the_handling_unit_extends(household, login_as):
    code = open_dossier(login_as("reception"), household)["code"]
    body = {"new_due_at": "2026-05-07T09:00:00+07:00", "reason": "x"}
    _post(login_as("deskleader"), code, "extension", body, status=403)  # the desk's leader
    assert _post(login_as("leader"), code, "extension", body)["due_at"] == \
        "2026-05-07T09:00:00.000+07:00"


@pytest.mark.parametrize("channel", ["direct", "post"])
def test_the_desk_refuses_a_walk_in_or_postal_dossier(household, login_as, channel):
    reception = login_as("reception")
    response = reception.post("/api/v1/dossiers", json={
        "procedure": household, "handling_unit": "UBND.PHUHOI", "applicant": APPLICANT,
        "channel": channel,
        "outcome": "refused", "reason": "Không thuộc thẩm quyền"})
    body = response.get_json()
    assert response.status_code == 201, body
    assert (body["status"], body["national_status"], body["received_at"], body["tasks"]) == (
        "refused", 3, None, [])
    assert body["clock"]["state"] == "not_started" and body["due_at"] is None
    slip = reception.get(f"/api/v1/dossiers/{body['code']}/slips/refusal")
    assert slip.status_code == 200 and "Không thuộc thẩm quyền" in slip.get_data(as_text=True)
    assert reception.get(f"/api/v1/dossiers/{body['code']}/slips/receipt").status_code == 404


def test_a_walk_in_dossier_sent_back_is_received_when_the_papers_come(
        household, login_as, clock):
    reception = login_as("reception")
    response = reception.post("/api/v1/dossiers", json={
        "procedure": household, "handling_unit": "UBND.PHUHOI", "applicant": APPLICANT,
        "channel": "direct",
        "outcome": "supplement", "missing": ["Bản sao CCCD"], "note": "thiếu"})
    sent_back = response.get_json()
    assert response.status_code == 201, sent_back
    assert (sent_back["national_status"], sent_back["received_at"], sent_back["tasks"]) == (
        5, None, [])
    assert sent_back["clock"]["state"] == "not_started"
    assert "Bản sao CCCD" in reception.get(
        f"/api/v1/dossiers/{sent_back['code']}/slips/supplement").get_data(as_text=True)
    clock.set(at(4, 28, 10))  # the papers come on Tuesday
    received = _post(reception, sent_back["code"], "supplement-received")
    assert received["national_status"] == 2 and received["received_at"] == iso(at(4, 28, 10))
    assert received["due_at"] == iso(at(5, 5, 10))  # the clock starts now: 3 working days
    assert received["clock"]["state"] == "running" and len(received["tasks"]) == 1
    # the supplement asked at reception is not the one allowed during processing
    asked = _post(reception, sent_back["code"], "supplement-request", {"missing": ["Khác"]})
    assert asked["national_status"] == 5


def test_outcome_needs_its_reason_or_list(household, login_as):
    reception = login_as("reception")
    for extra in ({"outcome": "refused"}, {"outcome": "supplement"},
                  {"outcome": "received", "channel": "online"}):
        body = {"procedure": household, "handling_unit": "UBND.PHUHOI", "applicant": APPLICANT,
                "channel": "direct", **extra}
        assert reception.post("/api/v1/dossiers", json=body).status_code == 422
    assert reception.get("/api/v1/dossiers").get_json()["total"] == 0


def test_an_online_submission_sent_back_then_refused(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household, channel="online")["code"]
    asked = _post(reception, code, "supplement-request", {"missing": ["CCCD"]})
    assert (asked["national_status"], asked["received_at"], asked["clock"]["state"]) == (
        5, None, "not_started")
    refused = _post(reception, code, "refuse", {"reason": "Không bổ sung"})
    assert refused["national_status"] == 3


def test_one_supplement_per_dossier(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    _post(reception, code, "supplement-request", {"missing": ["CCCD"]})
    _post(reception, code, "supplement-received")
    again = _post(reception, code, "supplement-request", {"missing": ["Khác"]}, status=409)
    assert "once per dossier" in again["detail"]
    assert reception.get(f"/api/v1/dossiers/{code}").get_json()["national_status"] == 2


def test_calendar_days_count_from_the_day_after_reception(demo, login_as, clock):
    reception, designer = login_as("reception"), login_as("designer")
    code = create_and_deploy(designer, "TEST.DAYS", statutory_time={"value": 8, "unit": "days"})
    clock.set(at(4, 25, 9))  # received Saturday 25 April 2026
    dossier = open_dossier(reception, code)
    assert dossier["due_at"] == iso(at(5, 4, 17))  # day 8 is Sunday 3 May: Monday, closing


def test_only_a_received_dossier_can_be_stopped(household, login_as):
    """Processing stops (8) once it began; before that the desk refuses (3)."""
    reception, leader = login_as("reception"), login_as("leader")
    online = open_dossier(reception, household, channel="online")["code"]
    sent_back = _at_desk(reception, household, outcome="supplement", missing=["CCCD"])
    for code, state, national in ((online, "new", 1), (sent_back, "supplement", 5)):
        body = _post(leader, code, "stop", {"reason": "dừng"}, status=409)
        assert f"is {state}: it cannot become stopped" in body["detail"]
        assert "never received" in body["detail"]
        after = leader.get(f"/api/v1/dossiers/{code}").get_json()
        assert (after["status"], after["national_status"]) == (state, national)
        history = leader.get(f"/api/v1/dossiers/{code}/history").get_json()
        assert "dossier.stopped" not in [e["type"] for e in history]
        assert _post(reception, code, "refuse", {"reason": "x"})["national_status"] == 3


def test_illegal_moves_are_409_naming_both_states(household, login_as):
    reception, leader = login_as("reception"), login_as("leader")
    code = open_dossier(reception, household)["code"]
    body = _post(reception, code, "return", {"channel": "desk"}, status=409)
    assert "received" in body["detail"] and "returned" in body["detail"]
    _post(leader, code, "stop", {"reason": "x"})
    body = _post(reception, code, "receive", status=409)
    assert "stopped" in body["detail"]
    task = open_task(reception, open_dossier(reception, household)["code"], "Task_Check")
    claim_and_complete(reception, task["id"], CHECK)


def test_a_rung_due_before_the_wait_still_fires_after_it(login_as, household, clock, admin_ctx):
    reception, designer = login_as("reception"), login_as("designer")
    deskleader = login_as("deskleader")
    code = create_and_deploy(designer, "TEST.PAUSE", clock_policy="pause")
    clock.set(at(6, 1, 8))
    dossier = open_dossier(reception, code)  # the check is due at 13:30
    clock.set(at(6, 1, 13, 35))  # due, but no scheduler tick came before the request
    _post(reception, dossier["code"], "supplement-request", {"missing": ["CCCD"]})
    clock.set(at(6, 3, 9))
    back = _post(reception, dossier["code"], "supplement-received")
    assert back["tasks"][0]["due_at"] == iso(at(6, 1, 13, 30))  # it was overdue already
    assert run_once(admin_ctx) >= 1
    assert "task.overdue" in _types(deskleader)


def test_retry_waits_for_the_papers_and_never_reopens_a_closed_dossier(
        demo, login_as, clock):
    reception, designer, leader = login_as("reception"), login_as("designer"), login_as("leader")
    code = create_and_deploy(designer, "TEST.INCIDENT", xml=incident_and_timer_bpmn(), forms=[])
    waiting, closed = (open_dossier(reception, code)["code"] for _ in range(2))
    _post(reception, waiting, "supplement-request", {"missing": ["CCCD"]})
    body = _post(leader, waiting, "retry", {"data": {"base_fee": 5}}, status=409)
    assert "supplement" in body["detail"]
    _post(reception, closed, "withdraw", {"reason": "rút"})
    _post(leader, closed, "retry", {"data": {"base_fee": 5}}, status=409)
    assert reception.get(f"/api/v1/dossiers/{closed}").get_json()["tasks"] == []


def test_an_incident_shows_the_code_of_the_work_it_interrupted(
        demo, login_as, clock, admin_ctx):
    reception, designer = login_as("reception"), login_as("designer")
    officer = login_as("officer")
    code = create_and_deploy(designer, "TEST.INCIDENT", xml=incident_and_timer_bpmn(), forms=[])
    dossier = open_dossier(reception, code)
    assert (dossier["status"], dossier["national_status"]) == ("incident", 2)
    clock.advance(timedelta(seconds=3))
    assert run_once(admin_ctx) == 1  # the parallel branch's timer opens the second step
    step = open_task(officer, dossier["code"], "T2")
    done = claim_and_complete(officer, step["id"], {})
    after = officer.get(f"/api/v1/dossiers/{done['dossier_code']}").get_json()
    assert (after["status"], after["national_status"]) == ("incident", 4)


def test_the_board_of_the_handling_unit_extends(demo, login_as, admin_ctx):
    from .walk import deploy
    code = open_dossier(login_as("reception"), deploy(admin_ctx, "judicial-record"))["code"]
    leader = login_as("ca_leader")  # Ban Giám đốc Công an tỉnh, the provincial police
    due = leader.get(f"/api/v1/dossiers/{code}").get_json()["due_at"]
    body = _post(leader, code, "extension", {"new_due_at": "2026-05-15T17:00:00+07:00",
                                             "reason": "xác minh"})
    assert body["due_at"] == "2026-05-15T17:00:00.000+07:00" != due
