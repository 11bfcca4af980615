"""Cấp giấy phép xây dựng nhà ở riêng lẻ (processes/construction-permit) over the
API: a commune-level procedure, handled here by phường Phú Hội. Reception at
the provincial centre's desk (`@desk`), appraisal and a site inspection by the
ward's land and construction officer (`@land`), the one supplement of its
processing asked by the diagram and taken back at the desk, approval by the
ward's chairman (`@leader`); and the boundary timer that hands a stalled
appraisal to the leader after 10 working days. `walk_to_result` walks it with
any commune's staff (test_procedures_in_every_commune.py)."""
from datetime import datetime

import pytest

from engine.scheduling import scheduler
from engine.deadlines.worktime import VN

from .walk import Walk, deploy

DESK, OFFICER, LEADER = "reception", "phuhoi_diachinh", "phuhoi_chutich"
COMMUNE = "UBND.PHUHOI"  # the handling commune (a commune-level procedure names it)
RECEPTION = {
    "owner_name": "Lê Văn Bình", "owner_id_number": "046085004321", "permit_type": "new",
    "site_address": "25 Chi Lăng, phường Phú Hội, Huế", "land_parcel_no": "112",
    "map_sheet_no": "14", "land_certificate_no": "CS 045678", "building_area": 72.5,
    "total_floor_area": 210, "floors": 3,
    "documents_received": ["application", "land_paper", "drawings"]}
APPRAISAL = {"planning_compliant": "yes", "appraisal_note": "Phù hợp quy hoạch phân khu"}
INCOMPLETE = {"inspection_date": "2026-04-24", "site_matches": "yes", "need_supplement": True,
              "supplement_missing": "Văn bản cam kết an toàn công trình liền kề",
              "supplement_note": "Nộp tại Trung tâm Phục vụ hành chính công"}
COMPLETE = {"inspection_date": "2026-05-04", "site_matches": "yes", "need_supplement": False,
            "inspection_note": "Hiện trạng phù hợp bản vẽ"}
DECISION = {"decision": "approve", "permit_number": "245/GPXD"}
# 15 working days from Fri 24 Apr 09:00: 6.5 h that Friday, then (27 Apr, 30 Apr
# and 1 May off) 28, 29 Apr, 4-8, 11-15, 18, 19 May, and 1.5 h of Wed 20 May.
DUE = "2026-05-20T09:00:00.000+07:00"
STAFF = {"desk": (DESK, "TTPVHCC"), "land": (OFFICER, "UBND.PHUHOI.DC"),
         "leader": (LEADER, "UBND.PHUHOI.LD")}  # lane role: user, unit
PATH = [("Task_Receive", "desk", RECEPTION, ["Task_Appraise"]),
        ("Task_Appraise", "land", APPRAISAL, ["Task_Inspect"]),
        ("Task_Inspect", "land", COMPLETE, ["Task_Approve"]),
        ("Task_Approve", "leader", DECISION, [])]


def walk_to_result(walk, staff, channel="desk") -> dict:
    """Reception, appraisal, a complete site inspection and the permit by
    `staff` (lane role: username, unit), then the hand-back at the desk."""
    return walk.follow(PATH, staff, channel)


@pytest.fixture
def permit(demo, admin_ctx):
    return deploy(admin_ctx, "construction-permit")


def test_walk_in_permit_without_supplement_is_delivered(permit, login_as, db):
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    opened = walk.opened
    assert opened["code"] == "000.00.01.H22-260424-0001"  # the receiving desk's agency
    assert (opened["receiving_unit"], opened["handling_unit"]) == ("TTPVHCC", COMMUNE)
    assert opened["due_at"] == DUE
    delivered = walk_to_result(walk, STAFF, "post")
    assert (delivered["status"], delivered["national_status"]) == ("returned", 10)
    assert walk.read(LEADER)["data"]["permit_number"] == "245/GPXD"
    assert walk.end_events(LEADER, db) == ["EndEvent_Permit"]
    assert walk.task_events(LEADER) == walk.expected_task_events()
    assert walk.steps == [("Task_Receive", DESK), ("Task_Appraise", OFFICER),
                          ("Task_Inspect", OFFICER), ("Task_Approve", LEADER)]


def test_walk_in_permit_with_one_supplement_round(permit, login_as, clock):
    """The inspector finds the dossier incomplete: the diagram's supplement step
    takes the life cycle's one supplement (status 5, clock and steps wait)."""
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    opened = walk.opened
    assert opened["code"] == "000.00.01.H22-260424-0001"
    assert (opened["status"], opened["national_status"]) == ("received", 2)
    assert opened["due_at"] == DUE
    assert walk.open_steps(DESK) == ["Task_Receive"]

    assert walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION) == ["Task_Appraise"]
    assert walk.read(OFFICER)["national_status"] == 4
    assert walk.task("Task_Appraise", OFFICER, "UBND.PHUHOI.DC")["due_at"] == \
        "2026-05-05T09:00:00.000+07:00"  # allotment 4d
    clock.set(datetime(2026, 5, 5, 8, 0, tzinfo=VN))
    assert walk.step("Task_Appraise", OFFICER, "UBND.PHUHOI.DC", APPRAISAL) == ["Task_Inspect"]
    # the site visit finds a paper missing 5.6 working days after reception: inside
    # the 7 working days the construction rules give (procedure.json)
    clock.set(datetime(2026, 5, 7, 14, 0, tzinfo=VN))
    assert walk.step("Task_Inspect", OFFICER, "UBND.PHUHOI.DC", INCOMPLETE) == ["Task_Supplement"]
    waiting = walk.read(DESK)
    assert (waiting["status"], waiting["national_status"]) == ("supplement", 5)
    assert waiting["clock"]["state"] == "paused"
    desk = walk.caller(DESK)
    step = walk.task("Task_Supplement", DESK, "TTPVHCC")
    assert desk.post(f"/api/v1/tasks/{step['id']}/claim").status_code == 409  # it waits
    slip = desk.get(f"/api/v1/dossiers/{walk.code}/slips/supplement").get_data(as_text=True)
    assert "Văn bản cam kết an toàn công trình liền kề" in slip

    clock.set(datetime(2026, 5, 11, 10, 0, tzinfo=VN))  # the applicant brings the paper
    back = desk.post(f"/api/v1/dossiers/{walk.code}/supplement-received",
                     json={"documents": ["Văn bản cam kết"]})
    assert back.status_code == 200, back.get_json()
    back = back.get_json()
    assert (back["status"], back["national_status"], back["clock"]["state"]) == (
        "processing", 4, "running")
    # the 15 working days start again from the papers' return (restart policy)
    assert back["due_at"] == "2026-06-01T10:00:00.000+07:00"
    assert [t["element_id"] for t in back["tasks"]] == ["Task_Appraise"]
    again = walk.read(OFFICER)
    assert again["data"]["need_supplement"] is False  # a new appraisal round starts clean
    assert again["data"]["supplement_documents"] == ["Văn bản cam kết"]
    assert walk.step("Task_Appraise", OFFICER, "UBND.PHUHOI.DC", APPRAISAL) == ["Task_Inspect"]
    # a second supplement is refused: once per dossier, everything in one notice
    second = walk.task("Task_Inspect", OFFICER, "UBND.PHUHOI.DC")
    officer = walk.caller(OFFICER)
    assert officer.post(f"/api/v1/tasks/{second['id']}/claim").status_code == 200
    refused = officer.post(f"/api/v1/tasks/{second['id']}/complete", json={"data": INCOMPLETE})
    assert refused.status_code == 409 and "once per dossier" in refused.get_json()["detail"]
    assert walk.open_steps(OFFICER) == ["Task_Inspect"]  # nothing changed

    clock.set(datetime(2026, 5, 12, 14, 0, tzinfo=VN))
    assert walk.step("Task_Inspect", OFFICER, "UBND.PHUHOI.DC", COMPLETE) == ["Task_Approve"]
    assert walk.read(LEADER)["national_status"] == 4
    assert walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", DECISION) == []

    final = walk.read(LEADER)
    assert (final["status"], final["national_status"]) == ("resolved", 9)
    walk.deliver(DESK, "post")
    assert final["data"]["permit_number"] == "245/GPXD"
    steps = [step for step, _ in walk.steps]
    assert steps == ["Task_Receive", "Task_Appraise", "Task_Inspect", "Task_Appraise",
                     "Task_Inspect", "Task_Approve"]
    events = walk.task_events(LEADER)
    assert ("task.completed", "Task_Supplement", DESK) in events
    assert [e for e in events if e[1] != "Task_Supplement"] == walk.expected_task_events()
    history = [e["type"] for e in walk.history(LEADER)]
    assert history.count("dossier.supplement_requested") == 1


def test_a_supplement_past_the_window_is_refused(permit, login_as, clock):
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    walk.step("Task_Appraise", OFFICER, "UBND.PHUHOI.DC", APPRAISAL)
    clock.set(datetime(2026, 5, 8, 10, 0, tzinfo=VN))  # 7 working days and an hour on
    task = walk.task("Task_Inspect", OFFICER, "UBND.PHUHOI.DC")
    officer = walk.caller(OFFICER)
    officer.post(f"/api/v1/tasks/{task['id']}/claim")
    late = officer.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": INCOMPLETE})
    assert late.status_code == 409 and "7d" in late.get_json()["detail"]
    missing = officer.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        **INCOMPLETE, "supplement_missing": ""}})
    assert missing.status_code == 422  # asked without listing what is missing
    assert walk.status(OFFICER) == ("processing", 4)


def test_left_out_supplement_box_means_complete(permit, login_as):
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    walk.step("Task_Appraise", OFFICER, "UBND.PHUHOI.DC", APPRAISAL)
    inspection = {"inspection_date": "2026-04-24", "site_matches": "yes"}
    assert walk.step("Task_Inspect", OFFICER, "UBND.PHUHOI.DC", inspection) == ["Task_Approve"]
    assert walk.read(OFFICER)["incident"] is None


def test_appraisal_still_open_after_ten_working_days_goes_to_the_board(
        permit, login_as, admin_ctx, clock):
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)  # appraisal opens Fri 24 Apr 09:00
    clock.set(datetime(2026, 5, 13, 8, 59, tzinfo=VN))
    scheduler.run_once(admin_ctx)
    assert walk.open_steps(OFFICER) == ["Task_Appraise"]
    clock.set(datetime(2026, 5, 13, 9, 1, tzinfo=VN))  # 10 working days: Wed 13 May 09:00
    scheduler.run_once(admin_ctx)
    assert walk.open_steps(LEADER) == ["Task_Escalate"]
    assert any(e["type"] == "timer.fired" and e["element_id"] == "Timer_Appraise"
               for e in walk.history(LEADER))
    directed = {"escalation_instruction": "Hoàn thành thẩm định trong 2 ngày"}
    assert walk.step("Task_Escalate", LEADER, "UBND.PHUHOI.LD", directed) == ["Task_Appraise"]
    assert walk.task("Task_Appraise", OFFICER, "UBND.PHUHOI.DC")["due_at"] == \
        "2026-05-19T09:01:00.000+07:00"  # a fresh 4d allotment from 13 May 09:01


def test_too_many_floors_are_refused(permit, login_as):
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    bad = {**RECEPTION, "floors": 9}
    assert walk.refused("Task_Receive", DESK, "TTPVHCC", bad) == ["floors"]
    assert walk.open_steps(DESK) == ["Task_Receive"]
    assert walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION) == ["Task_Appraise"]


@pytest.mark.parametrize("decision, end", [
    (DECISION, "EndEvent_Permit"),
    ({"decision": "refuse", "decision_note": "Vượt chỉ giới xây dựng"}, "EndEvent_Refused"),
], ids=["permit", "refuse"])
def test_the_board_permits_or_refuses_and_each_ends_on_its_own(
        permit, login_as, db, decision, end):
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    walk.step("Task_Appraise", OFFICER, "UBND.PHUHOI.DC", APPRAISAL)
    walk.step("Task_Inspect", OFFICER, "UBND.PHUHOI.DC", COMPLETE)
    assert walk.decide_last("Task_Approve", LEADER, "UBND.PHUHOI.LD", decision, db) == [end]
    walk.deliver(DESK)


REFUSAL = {"decision": "refuse", "decision_note": "Không phù hợp quy hoạch"}


@pytest.mark.parametrize("finding, decision, end", [
    ("yes", DECISION, "EndEvent_Permit"), ("no", REFUSAL, "EndEvent_Refused"),
], ids=["compliant-permit", "not-compliant-refuse"])
def test_appraisal_and_site_findings_go_to_the_board(
        permit, login_as, db, finding, decision, end):
    """'Phù hợp' / 'Không phù hợp' are findings, not decisions: with either, the
    appraisal and the inspection go on to the board, which decides."""
    walk = Walk(login_as, permit, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    appraisal = {**APPRAISAL, "planning_compliant": finding}
    assert walk.step("Task_Appraise", OFFICER, "UBND.PHUHOI.DC", appraisal) == ["Task_Inspect"]
    inspection = {**COMPLETE, "site_matches": finding}
    assert walk.step("Task_Inspect", OFFICER, "UBND.PHUHOI.DC", inspection) == ["Task_Approve"]
    assert walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", decision) == []
    assert walk.end_events(LEADER, db) == [end]
