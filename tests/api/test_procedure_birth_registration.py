"""Đăng ký khai sinh (processes/birth-registration) over the API: a walk-in
dossier at the Phú Hội ward desk, handled by Phú Hội (a commune-level
procedure of the province: its `@desk`, `@civil_status` and `@leader` lanes
resolve to the ward's desk, civil status officer and leaders), checked and
entered in the register by the civil status officer, signed by the chairman,
due one working day after reception. `walk_to_result` walks it with any
commune's staff: test_procedures_in_every_commune.py."""
from datetime import timedelta

import pytest

from .walk import Walk, deploy

DESK, OFFICER, CHAIRMAN = "phuhoi_desk", "phuhoi_hotich", "phuhoi_chutich"
WARD = "UBND.PHUHOI"  # the handling commune (a commune-level procedure names it)
RECEPTION = {
    "child_name": "Nguyễn Minh Khang", "child_dob": "2026-04-20", "child_sex": "male",
    "child_ethnicity": "Kinh", "child_nationality": "Việt Nam",
    "birth_place": "Bệnh viện Trung ương Huế", "mother_name": "Trần Thị Hoa",
    "father_name": "Nguyễn Văn An", "requester_name": "Nguyễn Văn An",
    "requester_id_number": "046090012345", "requester_relation": "father"}
VERIFY = {"register_book": "01/2026", "register_number": 118,
          "child_personal_id": "046226000118", "verification_note": "Đủ điều kiện"}
SIGN = {"decision": "approve"}
STAFF = {"desk": (DESK, "UBND.PHUHOI.MC"), "civil_status": (OFFICER, "UBND.PHUHOI.TP"),
         "leader": (CHAIRMAN, "UBND.PHUHOI.LD")}  # lane role: user, unit (Phú Hội's)
PATH = [("Task_Receive", "desk", RECEPTION, ["Task_Verify"]),
        ("Task_Verify", "civil_status", VERIFY, ["Task_Sign"]),
        ("Task_Sign", "leader", SIGN, [])]
# 1 working day from Fri 24 Apr 09:00: 6.5 h that Friday, Mon 27 Apr (Hùng Kings)
# is a day off, so the last 1.5 h fall on Tue 28 Apr, 07:30-09:00.
DUE = "2026-04-28T09:00:00.000+07:00"


def walk_to_result(walk, staff, channel="desk") -> dict:
    """Reception, verification and signature by `staff` (lane role: username,
    unit), then the hand-back at the desk (national status 10)."""
    return walk.follow(PATH, staff, channel)


@pytest.fixture
def birth(demo, admin_ctx):
    return deploy(admin_ctx, "birth-registration")


def test_walk_in_birth_registration_is_resolved_in_three_steps(birth, login_as, clock):
    walk = Walk(login_as, birth, DESK, handling_unit=WARD)
    opened = walk.opened
    assert opened["code"] == "000.21.33.H22-260424-0001"  # the ward's agency code
    assert (opened["status"], opened["national_status"]) == ("received", 2)
    assert opened["receiving_unit"] == "UBND.PHUHOI.MC" and opened["channel"] == "direct"
    assert opened["due_at"] == DUE
    assert walk.open_steps(DESK) == ["Task_Receive"]
    assert walk.task("Task_Receive", DESK, "UBND.PHUHOI.MC")["due_at"] == \
        "2026-04-24T10:00:00.000+07:00"  # allotment 1h
    waits = {"Task_Receive": timedelta(minutes=20), "Task_Verify": timedelta(hours=2),
             "Task_Sign": timedelta(hours=4)}  # the last step at Fri 15:20
    walk.watch(lambda element_id, task: clock.advance(waits[element_id]))

    delivered = walk_to_result(walk, STAFF, "post")
    final = walk.read(CHAIRMAN)
    assert (final["status"], final["national_status"]) == ("returned", 10) == (
        delivered["status"], delivered["national_status"])
    assert final["due_at"] == DUE
    assert final["resolved_at"] == "2026-04-24T15:20:00.000+07:00"
    assert final["data"]["child_name"] == "Nguyễn Minh Khang"
    assert final["data"]["child_personal_id"] == "046226000118"
    assert final["data"]["decision"] == "approve"
    assert walk.task_events(CHAIRMAN) == walk.expected_task_events() == [
        ("task.claimed", "Task_Receive", DESK), ("task.completed", "Task_Receive", DESK),
        ("task.claimed", "Task_Verify", OFFICER), ("task.completed", "Task_Verify", OFFICER),
        ("task.claimed", "Task_Sign", CHAIRMAN), ("task.completed", "Task_Sign", CHAIRMAN)]
    history = walk.history(DESK)
    assert history[0]["type"] == "dossier.received"
    assert [e["type"] for e in history[-2:]] == ["dossier.resolved", "dossier.returned"]


def test_a_requester_id_that_is_not_twelve_digits_is_refused(birth, login_as):
    walk = Walk(login_as, birth, DESK, handling_unit=WARD)
    bad = {**RECEPTION, "requester_id_number": "04609001234"}  # 11 digits
    assert walk.refused("Task_Receive", DESK, "UBND.PHUHOI.MC", bad) == ["requester_id_number"]
    assert walk.task_events(DESK) == [("task.claimed", "Task_Receive", DESK)]
    assert walk.step("Task_Receive", DESK, "UBND.PHUHOI.MC", RECEPTION) == ["Task_Verify"]


@pytest.mark.parametrize("decision, end", [
    ({"decision": "approve"}, "EndEvent_Birth"),
    ({"decision": "refuse", "decision_note": "Người đi đăng ký không có giấy ủy quyền"},
     "EndEvent_Refused"),
], ids=["sign", "refuse"])
def test_the_chairman_signs_or_refuses_and_each_ends_on_its_own(
        birth, login_as, db, decision, end):
    walk = Walk(login_as, birth, DESK, handling_unit=WARD)
    walk.step("Task_Receive", DESK, "UBND.PHUHOI.MC", RECEPTION)
    walk.step("Task_Verify", OFFICER, "UBND.PHUHOI.TP", VERIFY)
    assert walk.decide_last("Task_Sign", CHAIRMAN, "UBND.PHUHOI.LD", decision, db) == [end]
    walk.deliver(DESK)
