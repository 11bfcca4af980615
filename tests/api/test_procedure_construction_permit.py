"""Cấp giấy phép xây dựng nhà ở riêng lẻ (processes/construction-permit) over the
API: reception at the provincial centre, appraisal and a site inspection at the
Department of Construction's licensing office, one round of supplement through
the desk, approval by the board; and the boundary timer that hands a stalled
appraisal to the board after 10 working days."""
from datetime import datetime, timedelta

import pytest

from engine import scheduler
from engine.calendar import VN

from .walk import Walk, deploy

DESK, OFFICER, LEADER = "reception", "xd_officer", "xd_leader"
RECEPTION = {
    "owner_name": "Lê Văn Bình", "owner_id_number": "046085004321", "permit_type": "new",
    "site_address": "25 Chi Lăng, phường Phú Hội, Huế", "land_parcel_no": "112",
    "map_sheet_no": "14", "land_certificate_no": "CS 045678", "building_area": 72.5,
    "total_floor_area": 210, "floors": 3,
    "documents_received": ["application", "land_paper", "drawings"]}
APPRAISAL = {"planning_compliant": "yes", "appraisal_note": "Phù hợp quy hoạch phân khu"}
INCOMPLETE = {"inspection_date": "2026-04-24", "site_matches": "yes", "need_supplement": True,
              "supplement_items": "Thiếu văn bản cam kết an toàn công trình liền kề"}
SUPPLEMENT = {"supplement_notice_no": "15/PYCBS", "supplement_received_on": "2026-04-29"}
COMPLETE = {"inspection_date": "2026-05-04", "site_matches": "yes", "need_supplement": False,
            "inspection_note": "Hiện trạng phù hợp bản vẽ"}
DECISION = {"decision": "approve", "permit_number": "245/GPXD"}
# 15 working days from Fri 24 Apr 09:00: 6.5 h that Friday, then (27 Apr, 30 Apr
# and 1 May off) 28, 29 Apr, 4-8, 11-15, 18, 19 May, and 1.5 h of Wed 20 May.
DUE = "2026-05-20T09:00:00.000+07:00"


@pytest.fixture
def permit(demo, admin_ctx):
    return deploy(admin_ctx, "construction-permit")


def test_walk_in_permit_with_one_supplement_round(permit, login_as, clock):
    walk = Walk(login_as, permit, DESK)
    opened = walk.opened
    assert opened["code"] == "000.00.01.H22-260424-0001"
    assert (opened["status"], opened["national_status"]) == ("received", 2)
    assert opened["due_at"] == DUE
    assert walk.open_steps(DESK) == ["Task_Receive"]

    assert walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION) == ["Task_Appraise"]
    assert walk.read(OFFICER)["national_status"] == 4
    assert walk.task("Task_Appraise", OFFICER, "XD.CP")["due_at"] == \
        "2026-05-07T09:00:00.000+07:00"  # allotment 6d
    clock.advance(timedelta(hours=2))
    assert walk.step("Task_Appraise", OFFICER, "XD.CP", APPRAISAL) == ["Task_Inspect"]
    assert walk.step("Task_Inspect", OFFICER, "XD.CP", INCOMPLETE) == ["Task_Supplement"]
    looped = walk.read(DESK)
    assert (looped["status"], looped["national_status"]) == ("processing", 4)
    assert looped["data"]["need_supplement"] is True

    clock.set(datetime(2026, 4, 29, 10, 0, tzinfo=VN))  # the applicant brings the paper
    assert walk.step("Task_Supplement", DESK, "TTPVHCC", SUPPLEMENT) == ["Task_Appraise"]
    again = walk.read(OFFICER)
    assert again["national_status"] == 4
    assert again["data"]["need_supplement"] is False  # a new appraisal round starts clean
    assert walk.step("Task_Appraise", OFFICER, "XD.CP", APPRAISAL) == ["Task_Inspect"]
    clock.set(datetime(2026, 5, 4, 14, 0, tzinfo=VN))
    assert walk.step("Task_Inspect", OFFICER, "XD.CP", COMPLETE) == ["Task_Approve"]
    assert walk.read(LEADER)["national_status"] == 4
    assert walk.step("Task_Approve", LEADER, "XD.LD", DECISION) == []

    final = walk.read(LEADER)
    assert (final["status"], final["national_status"]) == ("resolved", 9)
    walk.deliver(DESK, "post")
    assert final["due_at"] == DUE  # a supplement step of the diagram does not move the clock
    assert final["data"]["permit_number"] == "245/GPXD"
    assert final["data"]["supplement_notice_no"] == "15/PYCBS"
    steps = [step for step, _ in walk.steps]
    assert steps == ["Task_Receive", "Task_Appraise", "Task_Inspect", "Task_Supplement",
                     "Task_Appraise", "Task_Inspect", "Task_Approve"]
    assert walk.task_events(LEADER) == walk.expected_task_events()
    assert {actor for _, _, actor in walk.task_events(LEADER)} == {DESK, OFFICER, LEADER}


def test_left_out_supplement_box_means_complete(permit, login_as):
    walk = Walk(login_as, permit, DESK)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    walk.step("Task_Appraise", OFFICER, "XD.CP", APPRAISAL)
    inspection = {"inspection_date": "2026-04-24", "site_matches": "yes"}
    assert walk.step("Task_Inspect", OFFICER, "XD.CP", inspection) == ["Task_Approve"]
    assert walk.read(OFFICER)["incident"] is None


def test_appraisal_still_open_after_ten_working_days_goes_to_the_board(
        permit, login_as, admin_ctx, clock):
    walk = Walk(login_as, permit, DESK)
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
    assert walk.step("Task_Escalate", LEADER, "XD.LD", directed) == ["Task_Appraise"]
    assert walk.task("Task_Appraise", OFFICER, "XD.CP")["due_at"] == \
        "2026-05-21T09:01:00.000+07:00"  # a fresh 6d allotment from 13 May 09:01


def test_too_many_floors_are_refused(permit, login_as):
    walk = Walk(login_as, permit, DESK)
    bad = {**RECEPTION, "floors": 9}
    assert walk.refused("Task_Receive", DESK, "TTPVHCC", bad) == ["floors"]
    assert walk.open_steps(DESK) == ["Task_Receive"]
    assert walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION) == ["Task_Appraise"]
