"""Cấp Phiếu lý lịch tư pháp (processes/judicial-record) over the API: reception
at the provincial centre, then the Department of Justice's judicial
administration office searches its records while the provincial police are
consulted in parallel; both answers join before the department's board signs."""
from datetime import datetime

import pytest

from engine.deadlines.worktime import VN

from .walk import Walk, deploy

DESK, OFFICE, POLICE, LEADER = "reception", "stp_officer", "ca_officer", "stp_leader"
RECEPTION = {
    "subject_name": "Võ Thị Lan", "subject_dob": "1995-08-17", "subject_sex": "female",
    "subject_id_number": "046195001122", "permanent_address": "14 Lý Thường Kiệt, Huế",
    "record_type": "1", "copies": 2, "purpose": "Bổ sung hồ sơ xin việc"}
VERIFIED = {"registry_result": "clean"}
POLICE_REPLY = {"police_reply_no": "512/PV06", "police_result": "clean"}
SIGNED = {"decision": "approve", "record_number": "2026/LLTP-0815"}
# 10 working days from Fri 24 Apr 09:00 (27 Apr, 30 Apr, 1 May off): Wed 13 May 09:00.
DUE = "2026-05-13T09:00:00.000+07:00"


@pytest.fixture
def record(demo, admin_ctx):
    return deploy(admin_ctx, "judicial-record")


def test_walk_in_judicial_record_with_police_consulted_in_parallel(record, login_as, clock):
    walk = Walk(login_as, record, DESK)
    opened = walk.opened
    assert opened["code"] == "000.00.01.H22-260424-0001"
    assert (opened["status"], opened["national_status"]) == ("received", 2)
    assert opened["due_at"] == DUE

    assert walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION) == [
        "Task_Police", "Task_Verify"]
    assert walk.read(POLICE)["national_status"] == 4
    assert walk.task("Task_Police", POLICE, "CA")["due_at"] == \
        "2026-05-08T09:00:00.000+07:00"  # 7d
    assert walk.task("Task_Verify", OFFICE, "STP.HCTP")["due_at"] == \
        "2026-05-06T09:00:00.000+07:00"  # 5d

    clock.set(datetime(2026, 4, 29, 15, 0, tzinfo=VN))
    assert walk.step("Task_Police", POLICE, "CA", POLICE_REPLY) == ["Task_Verify"]
    during = walk.read(OFFICE)
    assert (during["status"], during["national_status"]) == ("processing", 4)
    assert walk.step("Task_Verify", OFFICE, "STP.HCTP", VERIFIED) == ["Task_Sign"]
    clock.set(datetime(2026, 5, 4, 8, 0, tzinfo=VN))
    assert walk.step("Task_Sign", LEADER, "STP.LD", SIGNED) == []

    final = walk.read(LEADER)
    assert (final["status"], final["national_status"]) == ("resolved", 9)
    walk.deliver(DESK, "post")
    assert final["due_at"] == DUE
    assert final["resolved_at"] == "2026-05-04T08:00:00.000+07:00"
    assert (final["data"]["police_result"], final["data"]["registry_result"]) == \
        ("clean", "clean")
    assert walk.task_events(LEADER) == walk.expected_task_events() == [
        ("task.claimed", "Task_Receive", DESK), ("task.completed", "Task_Receive", DESK),
        ("task.claimed", "Task_Police", POLICE), ("task.completed", "Task_Police", POLICE),
        ("task.claimed", "Task_Verify", OFFICE), ("task.completed", "Task_Verify", OFFICE),
        ("task.claimed", "Task_Sign", LEADER), ("task.completed", "Task_Sign", LEADER)]


def test_a_record_type_other_than_one_or_two_is_refused(record, login_as):
    walk = Walk(login_as, record, DESK)
    bad = {**RECEPTION, "record_type": "3"}
    assert walk.refused("Task_Receive", DESK, "TTPVHCC", bad) == ["record_type"]
    assert walk.open_steps(DESK) == ["Task_Receive"]
    assert walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION) == ["Task_Police", "Task_Verify"]


@pytest.mark.parametrize("decision, end", [
    (SIGNED, "EndEvent_Record"),
    ({"decision": "refuse", "decision_note": "Mục đích sử dụng Phiếu số 2 không hợp lệ"},
     "EndEvent_Refused"),
], ids=["sign", "refuse"])
def test_the_board_signs_or_refuses_and_each_ends_on_its_own(
        record, login_as, db, decision, end):
    walk = Walk(login_as, record, DESK)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    walk.step("Task_Police", POLICE, "CA", POLICE_REPLY)
    walk.step("Task_Verify", OFFICE, "STP.HCTP", VERIFIED)
    assert walk.decide_last("Task_Sign", LEADER, "STP.LD", decision, db) == [end]


@pytest.mark.parametrize("found", ["clean", "record"])
def test_a_criminal_record_found_is_stated_on_the_certificate_not_a_refusal(
        record, login_as, found):
    """Both searches report, whatever they find; the board signs a certificate
    that states the convictions (or none)."""
    walk = Walk(login_as, record, DESK)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    reply = {**POLICE_REPLY, "police_result": found, "police_note": "Án tích đã ghi"}
    assert walk.step("Task_Police", POLICE, "CA", reply) == ["Task_Verify"]
    registry = {"registry_result": found}
    assert walk.step("Task_Verify", OFFICE, "STP.HCTP", registry) == ["Task_Sign"]
    assert walk.read(LEADER)["data"]["police_result"] == found
