"""Cấp Phiếu lý lịch tư pháp (processes/judicial-record) over the API: a
province-level procedure of the provincial police (CA, its handling unit).
Reception at the provincial centre's desk (`@desk`), then the police's
judicial records office (CA.LLTP) searches its records while the police (CA)
are consulted in parallel; both answers join before the police's board
(CA.LD) signs. `walk_to_result` walks it from any desk
(test_procedures_in_every_commune.py)."""
from datetime import datetime

import pytest

from engine.deadlines.worktime import VN

from .walk import Walk, deploy

DESK, OFFICE, POLICE, LEADER = "reception", "ca_lltp", "ca_officer", "ca_leader"
RECEPTION = {
    "subject_name": "Võ Thị Lan", "subject_dob": "1995-08-17", "subject_sex": "female",
    "subject_id_number": "046195001122", "permanent_address": "14 Lý Thường Kiệt, Huế",
    "record_type": "1", "copies": 2, "purpose": "Bổ sung hồ sơ xin việc"}
VERIFIED = {"registry_result": "clean"}
POLICE_REPLY = {"police_reply_no": "512/PV06", "police_result": "clean"}
SIGNED = {"decision": "approve", "record_number": "2026/LLTP-0815"}
# 10 working days from Fri 24 Apr 09:00 (27 Apr, 30 Apr, 1 May off): Wed 13 May 09:00.
DUE = "2026-05-13T09:00:00.000+07:00"
STAFF = {"desk": (DESK, "TTPVHCC"), "records": (OFFICE, "CA.LLTP"), "police": (POLICE, "CA"),
         "leader": (LEADER, "CA.LD")}  # lane role: user, unit
PATH = [("Task_Receive", "desk", RECEPTION, ["Task_Police", "Task_Verify"]),
        ("Task_Police", "police", POLICE_REPLY, ["Task_Verify"]),
        ("Task_Verify", "records", VERIFIED, ["Task_Sign"]),
        ("Task_Sign", "leader", SIGNED, [])]


def walk_to_result(walk, staff, channel="desk") -> dict:
    """Reception, the police's answer, the records search and the signature by
    `staff` (lane role: username, unit), then the hand-back at the desk."""
    return walk.follow(PATH, staff, channel)


@pytest.fixture
def record(demo, admin_ctx):
    return deploy(admin_ctx, "judicial-record")


def test_walk_in_judicial_record_with_police_consulted_in_parallel(record, login_as, clock):
    walk = Walk(login_as, record, DESK)
    opened = walk.opened
    assert opened["code"] == "000.00.01.H22-260424-0001"
    assert (opened["status"], opened["national_status"]) == ("received", 2)
    assert opened["due_at"] == DUE

    assert (opened["receiving_unit"], opened["handling_unit"]) == ("TTPVHCC", "CA")
    times = {"Task_Police": datetime(2026, 4, 29, 15, 0, tzinfo=VN),
             "Task_Sign": datetime(2026, 5, 4, 8, 0, tzinfo=VN)}

    def before(element_id, task):
        if element_id == "Task_Police":  # both searches are open, each with its allotment
            assert task["due_at"] == "2026-05-08T09:00:00.000+07:00"  # 7d
            assert walk.task("Task_Verify", OFFICE, "CA.LLTP")["due_at"] == \
                "2026-05-06T09:00:00.000+07:00"  # 5d
        if element_id in times:
            clock.set(times[element_id])

    walk.watch(before)
    assert walk_to_result(walk, STAFF, "post")["national_status"] == 10
    final = walk.read(LEADER)
    assert (final["status"], final["national_status"]) == ("returned", 10)
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
    walk.step("Task_Verify", OFFICE, "CA.LLTP", VERIFIED)
    assert walk.decide_last("Task_Sign", LEADER, "CA.LD", decision, db) == [end]


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
    assert walk.step("Task_Verify", OFFICE, "CA.LLTP", registry) == ["Task_Sign"]
    assert walk.read(LEADER)["data"]["police_result"] == found
