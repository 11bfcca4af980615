"""Đăng ký thành lập hộ kinh doanh (processes/business-household): where each
decision leads. A commune-level procedure, handled here by phường Phú Hội
(its `@economy` and `@leader` lanes) and received at the provincial centre's
desk (`@desk`). The desk checks the dossier and confirms the fee while the
commune's economy section reviews it; the commune's leader then approves
(the certificate), refuses (a refusal letter: the dossier is resolved with it
as its result) or returns it for rework, which reopens the review and never
resolves the dossier. `walk_to_result` walks it with any commune's staff
(test_procedures_in_every_commune.py). (A whole walk with the inspection and
the join is in test_flow.py.)"""
import pytest

from .walk import Walk

DESK, OFFICER, LEADER = "reception", "officer", "leader"
CHECK = {"business_name": "Quán Cơm Bình Dân", "capital": 50_000_000, "needs_inspection": False}
REVIEW = {"review_note": "Đủ điều kiện đăng ký", "review_outcome": "ok"}
APPROVE = {"decision": "approve", "decision_note": "Cấp giấy chứng nhận"}
REFUSE = {"decision": "refuse", "decision_note": "Tên hộ kinh doanh trùng"}
RETURN = {"decision": "return", "decision_note": "Làm rõ địa điểm kinh doanh"}
STAFF = {"desk": (DESK, "TTPVHCC"), "economy": (OFFICER, "UBND.PHUHOI.KT"),
         "leader": (LEADER, "UBND.PHUHOI.LD")}  # lane role: user, unit
PATH = [("Task_Check", "desk", CHECK, ["Task_Fee", "Task_Review"]),
        ("Task_Review", "economy", REVIEW, ["Task_Fee"]),
        ("Task_Fee", "desk", {}, ["Task_Approve"]),
        ("Task_Approve", "leader", APPROVE, [])]


def walk_to_result(walk, staff, channel="desk") -> dict:
    """Check, review, fee and approval by `staff` (lane role: username, unit),
    then the hand-back at the desk (national status 10)."""
    return walk.follow(PATH, staff, channel)


def to_approval(walk, review=REVIEW):
    """Check, review and fee: the board's approval is the one open step."""
    assert walk.step("Task_Check", DESK, "TTPVHCC", CHECK) == ["Task_Fee", "Task_Review"]
    assert walk.step("Task_Review", OFFICER, "UBND.PHUHOI.KT", review) == ["Task_Fee"]
    assert walk.step("Task_Fee", DESK, "TTPVHCC", {}) == ["Task_Approve"]


def test_a_household_business_is_registered_and_its_certificate_delivered(
        household, login_as, db):
    walk = Walk(login_as, household, DESK)
    assert walk.opened["handling_unit"] == "UBND.PHUHOI"
    assert walk.opened["receiving_unit"] == "TTPVHCC"
    assert walk_to_result(walk, STAFF)["national_status"] == 10
    assert walk.end_events(LEADER, db) == ["EndEvent_1"]
    assert walk.task_events(LEADER) == walk.expected_task_events()
    assert [step for step, _ in walk.steps] == [
        "Task_Check", "Task_Review", "Task_Fee", "Task_Approve"]


def test_return_for_rework_reopens_the_review_and_does_not_resolve(household, login_as, db):
    walk = Walk(login_as, household, DESK)
    to_approval(walk)
    assert walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", RETURN) == ["Task_Review"]
    assert walk.status(LEADER) == ("processing", 4)  # not resolved (9)
    assert walk.end_events(LEADER, db) == []
    response = walk.caller(DESK).post(f"/api/v1/dossiers/{walk.code}/return",
                                      json={"channel": "desk"})
    assert response.status_code == 409  # no result to hand back
    assert walk.status(DESK) == ("processing", 4)
    assert walk.read(OFFICER)["data"]["decision"] == "return"

    # the review is redone; the fee, already confirmed, is not asked again
    redo = {"review_note": "Đã xác minh địa điểm", "review_outcome": "ok"}
    assert walk.step("Task_Review", OFFICER, "UBND.PHUHOI.KT", redo) == ["Task_Approve"]
    assert walk.status(LEADER) == ("processing", 4)
    assert walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", APPROVE) == []
    assert walk.status(LEADER) == ("resolved", 9)
    assert walk.end_events(LEADER, db) == ["EndEvent_1"]
    assert walk.read(LEADER)["data"]["review_note"] == "Đã xác minh địa điểm"
    walk.deliver(DESK)
    assert [step for step, _ in walk.steps] == [
        "Task_Check", "Task_Review", "Task_Fee", "Task_Approve", "Task_Review", "Task_Approve"]
    assert walk.task_events(LEADER) == walk.expected_task_events()


@pytest.mark.parametrize("decision, end", [(APPROVE, "EndEvent_1"),
                                           (REFUSE, "EndEvent_Refused")],
                         ids=["approve", "refuse"])
def test_approval_and_refusal_resolve_at_their_own_end(household, login_as, db, decision, end):
    walk = Walk(login_as, household, DESK)
    to_approval(walk)
    assert walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", decision) == []
    assert walk.status(LEADER) == ("resolved", 9)
    assert walk.end_events(LEADER, db) == [end]
    data = walk.read(LEADER)["data"]
    assert (data["decision"], data["decision_note"]) == (
        decision["decision"], decision["decision_note"])
    walk.deliver(DESK)  # the certificate, or the refusal letter, goes back to the applicant


@pytest.mark.parametrize("then, opened, end", [
    (APPROVE, [], ["EndEvent_1"]),
    (REFUSE, [], ["EndEvent_Refused"]),
    (RETURN, ["Task_Review"], []),
], ids=["approve", "refuse", "return-again"])
def test_after_rework_the_board_decides_again(household, login_as, db, then, opened, end):
    walk = Walk(login_as, household, DESK)
    to_approval(walk)
    walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", RETURN)
    assert walk.step("Task_Review", OFFICER, "UBND.PHUHOI.KT", REVIEW) == ["Task_Approve"]
    assert walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", then) == opened
    assert walk.status(LEADER) == (("resolved", 9) if end else ("processing", 4))
    assert walk.end_events(LEADER, db) == end


@pytest.mark.parametrize("outcome, decision, end", [
    ("ok", APPROVE, "EndEvent_1"),
    ("reject", REFUSE, "EndEvent_Refused"),
], ids=["ok-to-approval", "reject-to-refusal"])
def test_review_outcome_goes_to_the_board(household, login_as, db, outcome, decision, end):
    """'Đạt, trình phê duyệt' and 'Không đạt, trình từ chối' are the office's
    proposal: both go to the board, which signs the certificate or the refusal."""
    walk = Walk(login_as, household, DESK)
    to_approval(walk, {"review_note": "Ý kiến thẩm định", "review_outcome": outcome})
    assert walk.read(LEADER)["data"]["review_outcome"] == outcome
    assert walk.step("Task_Approve", LEADER, "UBND.PHUHOI.LD", decision) == []
    assert walk.end_events(LEADER, db) == [end]


def test_an_unknown_decision_is_refused(household, login_as):
    walk = Walk(login_as, household, DESK)
    to_approval(walk)
    assert walk.refused("Task_Approve", LEADER, "UBND.PHUHOI.LD", {"decision": "defer"}) == [
        "decision"]
    assert walk.open_steps(LEADER) == ["Task_Approve"]


@pytest.mark.parametrize("inspection, opened", [
    ({"needs_inspection": True}, ["Task_Inspect"]),
    ({"needs_inspection": False}, ["Task_Fee", "Task_Review"]),
    ({}, ["Task_Fee", "Task_Review"]),
], ids=["checked", "unchecked", "left-out"])
def test_the_inspection_box_decides_whether_the_site_is_inspected(
        household, login_as, inspection, opened):
    walk = Walk(login_as, household, DESK)
    check = {"business_name": "Tiệm May Hồng", "capital": 20_000_000, **inspection}
    assert walk.step("Task_Check", DESK, "TTPVHCC", check) == opened
    assert walk.read(DESK)["incident"] is None
