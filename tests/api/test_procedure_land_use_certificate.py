"""Cấp Giấy chứng nhận quyền sử dụng đất lần đầu (processes/land-use-certificate)
over the API: a commune-level procedure, handled here by phường Phú Hội.
Reception at the provincial centre's desk (`@desk`), review at the land
registration office of the Department of Agriculture and Environment
(SNNMT.VPDK), then three consultations in parallel, each in its own lane with
its own allotment (the provincial tax office CT, the ward's land officer
`@land`, the office's survey), joined before the ward's chairman (`@leader`)
signs. `walk_to_result` walks it with any commune's staff
(test_procedures_in_every_commune.py)."""
from datetime import datetime

import pytest

from engine.deadlines.worktime import VN

from .walk import Walk, deploy

DESK, REGISTRY, LEADER = "reception", "nnmt_officer", "phuhoi_chutich"
TAX, WARD = "thue_officer", "phuhoi_diachinh"
RECEPTION = {
    "land_user_name": "Hoàng Thị Mai", "land_user_id_number": "046170009876",
    "parcel_address": "Kiệt 7 Nguyễn Huệ, phường Phú Hội, Huế", "parcel_no": "215",
    "map_sheet_no": "9", "declared_area": 156.4, "land_use_purpose": "ODT",
    "declared_origin": "inherited", "used_since": "1992-06-01"}
REVIEW = {"review_result": "eligible", "review_note": "Đủ điều kiện, lấy ý kiến"}
TAXED = {"tax_notice_no": "1234/TB-CT", "land_levy": 0, "registration_fee": 780000,
         "tax_note": "Đất sử dụng ổn định trước 15/10/1993, không thu tiền sử dụng đất"}
SURVEY = {"survey_extract_no": "TD-0456/2026", "measured_area": 154.9}
ORIGIN = {"origin_confirmed": "confirmed", "dispute_free": True, "planning_compliant": True,
          "origin_note": "Sử dụng ổn định từ năm 1992, nhận thừa kế từ cha"}
SIGNED = {"decision": "approve", "certificate_serial": "DA 01234567"}
# 30 working days from Fri 24 Apr 09:00 (27 Apr, 30 Apr, 1 May off): Wed 10 Jun 09:00.
DUE = "2026-06-10T09:00:00.000+07:00"
CONSULTATIONS = ["Task_Origin", "Task_Survey", "Task_Tax"]
COMMUNE = "UBND.PHUHOI"  # the handling commune (a commune-level procedure names it)
STAFF = {"desk": (DESK, "TTPVHCC"), "registry": (REGISTRY, "SNNMT.VPDK"), "tax": (TAX, "CT"),
         "land": (WARD, "UBND.PHUHOI.DC"),
         "leader": (LEADER, "UBND.PHUHOI.LD")}  # lane role: user, unit
PATH = [("Task_Receive", "desk", RECEPTION, ["Task_Review"]),
        ("Task_Review", "registry", REVIEW, CONSULTATIONS),
        ("Task_Tax", "tax", TAXED, ["Task_Origin", "Task_Survey"]),
        ("Task_Survey", "registry", SURVEY, ["Task_Origin"]),
        ("Task_Origin", "land", ORIGIN, ["Task_Sign"]),
        ("Task_Sign", "leader", SIGNED, [])]


def walk_to_result(walk, staff, channel="desk") -> dict:
    """Reception, review, the three consultations and the signature by `staff`
    (lane role: username, unit), then the hand-back at the desk."""
    return walk.follow(PATH, staff, channel)


@pytest.fixture
def land(demo, admin_ctx):
    return deploy(admin_ctx, "land-use-certificate")


def test_walk_in_first_certificate_with_three_parallel_consultations(land, login_as, clock):
    walk = Walk(login_as, land, DESK, handling_unit=COMMUNE)
    opened = walk.opened
    assert opened["code"] == "000.00.01.H22-260424-0001"
    assert (opened["status"], opened["national_status"]) == ("received", 2)
    assert (opened["receiving_unit"], opened["handling_unit"]) == ("TTPVHCC", COMMUNE)
    assert opened["due_at"] == DUE

    # each consultation has its own unit and allotment, counted from Tue 28 Apr 09:00
    dues = {"Task_Tax": ("CT", TAX, "2026-05-07T09:00:00.000+07:00"),  # 5d
            "Task_Survey": ("SNNMT.VPDK", REGISTRY, "2026-05-12T09:00:00.000+07:00"),  # 8d
            "Task_Origin": ("UBND.PHUHOI.DC", WARD, "2026-05-14T09:00:00.000+07:00")}  # 10d
    times = {"Task_Review": datetime(2026, 4, 28, 9, 0, tzinfo=VN),
             "Task_Survey": datetime(2026, 5, 6, 14, 0, tzinfo=VN),
             "Task_Sign": datetime(2026, 5, 11, 10, 0, tzinfo=VN)}

    def before(element_id, task):
        if element_id == "Task_Tax":  # all three consultations are open
            for consulted, (group, username, due) in dues.items():
                assert walk.task(consulted, username, group)["due_at"] == due
        if element_id in times:
            clock.set(times[element_id])

    walk.watch(before)
    assert walk_to_result(walk, STAFF, "post")["national_status"] == 10
    final = walk.read(LEADER)
    assert (final["status"], final["national_status"]) == ("returned", 10)
    assert final["due_at"] == DUE
    assert final["resolved_at"] == "2026-05-11T10:00:00.000+07:00"
    data = final["data"]  # every branch's answers are joined in the dossier
    assert (data["registration_fee"], data["measured_area"], data["origin_confirmed"]) == \
        (780000, 154.9, "confirmed")
    assert walk.task_events(LEADER) == walk.expected_task_events()
    assert [step for step, _ in walk.steps] == [
        "Task_Receive", "Task_Review", "Task_Tax", "Task_Survey", "Task_Origin", "Task_Sign"]


def test_an_unknown_land_use_purpose_is_refused(land, login_as):
    walk = Walk(login_as, land, DESK, handling_unit=COMMUNE)
    bad = {**RECEPTION, "land_use_purpose": "XYZ"}
    assert walk.refused("Task_Receive", DESK, "TTPVHCC", bad) == ["land_use_purpose"]
    assert walk.read(DESK)["national_status"] == 2
    assert walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION) == ["Task_Review"]


def consulted(walk):
    """Review (eligible) and the three consultations: the board's signature is open."""
    assert walk.step("Task_Review", REGISTRY, "SNNMT.VPDK", REVIEW) == CONSULTATIONS
    walk.step("Task_Tax", TAX, "CT", TAXED)
    walk.step("Task_Survey", REGISTRY, "SNNMT.VPDK", SURVEY)
    assert walk.step("Task_Origin", WARD, "UBND.PHUHOI.DC", ORIGIN) == ["Task_Sign"]


@pytest.mark.parametrize("result, opened, status, end", [
    ("eligible", CONSULTATIONS, ("processing", 4), []),
    ("ineligible", [], ("resolved", 9), ["EndEvent_Ineligible"]),
], ids=["eligible", "ineligible"])
def test_review_sends_an_eligible_dossier_to_consultations_and_refuses_the_rest(
        land, login_as, db, result, opened, status, end):
    """'Không đủ điều kiện' ends the dossier at once with a refusal (its result,
    with the reasons in the review note): nobody is consulted."""
    walk = Walk(login_as, land, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    review = {"review_result": result, "review_note": "Kết quả kiểm tra, lý do"}
    assert walk.step("Task_Review", REGISTRY, "SNNMT.VPDK", review) == opened
    assert walk.status(REGISTRY) == status
    assert walk.end_events(REGISTRY, db) == end
    assert walk.read(REGISTRY)["data"]["review_result"] == result


@pytest.mark.parametrize("decision, end", [
    (SIGNED, "EndEvent_Land"),
    ({"decision": "refuse", "decision_note": "Đang có tranh chấp"}, "EndEvent_Refused"),
], ids=["sign", "refuse"])
def test_the_board_signs_or_refuses_and_each_ends_on_its_own(
        land, login_as, db, decision, end):
    walk = Walk(login_as, land, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    consulted(walk)
    assert walk.decide_last("Task_Sign", LEADER, "UBND.PHUHOI.LD", decision, db) == [end]


@pytest.mark.parametrize("answer", ["confirmed", "not_confirmed"])
def test_the_wards_answer_goes_to_the_board_which_decides(land, login_as, answer):
    walk = Walk(login_as, land, DESK, handling_unit=COMMUNE)
    walk.step("Task_Receive", DESK, "TTPVHCC", RECEPTION)
    walk.step("Task_Review", REGISTRY, "SNNMT.VPDK", REVIEW)
    walk.step("Task_Tax", TAX, "CT", TAXED)
    walk.step("Task_Survey", REGISTRY, "SNNMT.VPDK", SURVEY)
    origin = {**ORIGIN, "origin_confirmed": answer}
    assert walk.step("Task_Origin", WARD, "UBND.PHUHOI.DC", origin) == ["Task_Sign"]
    assert walk.read(LEADER)["data"]["origin_confirmed"] == answer
