"""The officer's inbox and task pages in a real browser: claim from Available,
the server's field error beside the form-js field, fixed and completed; the due
states in words; a claim someone else won (409); a step without a form completed
with the generic form; a step the visitor may not see is the 404 page."""
import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import shoot

HOUSEHOLD, COMMUNE = "1.001612", "UBND.PHUHOI"  # handled by officer's economy section
APPLICANT = {"name": "Nguyễn Văn An", "id_number": "001099012345", "phone": "0912345678",
             "address": "12 Lê Lợi, Huế"}
CHECK = {"business_name": "Quán Cơm Bình Dân", "capital": 50_000_000}
MINUTE = timedelta(minutes=1)


def _received(platform, inspection: bool) -> dict:
    """A household dossier the desk received and checked: its economy step is open
    (the inspection, a step without a form, or the review, with one)."""
    dossier = platform.ok("POST", "/dossiers", {
        "procedure": HOUSEHOLD, "applicant": APPLICANT, "channel": "direct",
        "handling_unit": COMMUNE}, as_user="reception")
    [check] = [t for t in dossier["tasks"] if t["element_id"] == "Task_Check"]
    platform.ok("POST", f"/tasks/{check['id']}/claim", as_user="reception")
    done = platform.ok("POST", f"/tasks/{check['id']}/complete",
                       {"data": {**CHECK, "needs_inspection": inspection}}, as_user="reception")
    step = "Task_Inspect" if inspection else "Task_Review"
    [task] = [t for t in done["tasks"] if t["element_id"] == step]
    return {"code": dossier["code"], "task": task}


def _clock(platform, instant: datetime):
    platform.ok("POST", "/admin/clock", {"now": instant.isoformat()})


@pytest.fixture(scope="module")
def steps(platform):
    """Three economy steps: one overdue, one near due (within the near-due setting)
    and one within time, moving the platform's clock between them."""
    late = _received(platform, inspection=True)
    _clock(platform, datetime.fromisoformat(late["task"]["due_at"]) + MINUTE)
    review, near = _received(platform, inspection=False), _received(platform, inspection=True)
    _clock(platform, datetime.fromisoformat(near["task"]["due_at"]) - MINUTE)
    return {"late": late, "review": review, "near": near}


def _submitted(platform, code, task_id) -> dict:
    """The data the step was completed with, from the dossier's history."""
    [done] = [event for event in platform.ok("GET", f"/dossiers/{code}/history")
              if event["type"] == "task.completed" and event["task_id"] == task_id]
    return done["detail"]["data"]


def _row(page, code):
    return page.get_by_role("row").filter(has_text=code)


def test_an_officer_claims_a_step_fixes_what_the_server_refused_and_completes(
        open_as, platform, steps):
    review, code = steps["review"]["task"], steps["review"]["code"]
    page = open_as("officer")
    page.get_by_role("link", name="Chờ nhận").click()
    expect(_row(page, code)).to_contain_text("Trong hạn")
    expect(_row(page, steps["near"]["code"])).to_contain_text("Sắp đến hạn")
    expect(_row(page, steps["late"]["code"])).to_contain_text("Quá hạn")
    shoot(page, "inbox-index-vi")

    _row(page, code).get_by_role("button", name="Nhận xử lý").click()
    expect(_row(page, code)).to_contain_text("Đã nhận xử lý")
    page.get_by_role("link", name="Của tôi").click()
    _row(page, code).get_by_role("link", name="Mở").click()
    expect(page).to_have_url(re.compile(f"/tasks/{review['id']}$"))
    expect(page.get_by_role("heading", name="Thẩm định hồ sơ")).to_be_visible()

    # the outcome chosen, the required opinion left empty: the server refuses it, and
    # says so in Vietnamese (form-js's own messages are English only)
    page.get_by_label("Đạt, trình phê duyệt").check()
    page.get_by_role("button", name="Hoàn thành").click()
    refused = "Trường bắt buộc, chưa được nhập."
    expect(page.get_by_role("alert")).to_contain_text(f"Ý kiến thẩm định: {refused}")
    opinion = page.get_by_label("Ý kiến thẩm định")
    expect(opinion).to_have_attribute("aria-invalid", "true")
    beside = page.locator(f"#{opinion.get_attribute('id')}-error-message")
    expect(beside).to_have_text(refused)
    shoot(page, "inbox-task-vi")

    opinion.fill("Đủ điều kiện đăng ký hộ kinh doanh")
    expect(beside).to_have_count(0)  # the verdict was about the empty value
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page).to_have_url(re.compile(r"/inbox\?tab=mine&completed="))
    expect(page.get_by_role("status")).to_contain_text(f"Đã hoàn thành “Thẩm định hồ sơ” "
                                                       f"của hồ sơ {code}")
    expect(_row(page, code)).to_have_count(0)
    assert _submitted(platform, code, review["id"]) == {
        "review_outcome": "ok", "review_note": "Đủ điều kiện đăng ký hộ kinh doanh"}


def test_a_lost_claim_a_step_without_a_form_and_a_step_not_ones_own(open_as, platform, steps):
    late, near = steps["late"], steps["near"]
    page = open_as("officer", lang="en")
    page.get_by_role("link", name="Available").click()
    expect(_row(page, late["code"])).to_contain_text("Overdue")
    expect(_row(page, near["code"])).to_contain_text("Near due")
    shoot(page, "inbox-index-en")

    platform.ok("POST", f"/tasks/{late['task']['id']}/claim", as_user="officer2")
    _row(page, late["code"]).get_by_role("button", name="Claim").click()
    expect(page.get_by_role("alert")).to_contain_text("already claimed by officer2")

    # the inspection has no form: claimed on its page, completed with named values
    _row(page, near["code"]).get_by_role("link", name=near["task"]["name"]).click()
    page.get_by_role("button", name="Claim").click()
    page.get_by_role("button", name="Add a value").click()
    page.get_by_label("Name", exact=True).fill("1st_visit")
    page.get_by_label("Value", exact=True).fill("Premises seen, as declared")
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("alert")).to_contain_text("Not a variable name")
    name = page.get_by_label("Name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#generic-form .field-error")).to_contain_text("Not a variable name")
    shoot(page, "inbox-task-en")
    name.fill("site_visit")
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("status")).to_contain_text(f"Completed “{near['task']['name']}”")
    assert _submitted(platform, near["code"], near["task"]["id"]) == {
        "site_visit": "Premises seen, as declared"}

    elsewhere = open_as("kimlong_kinhte", lang="en")  # another commune's economy officer
    assert elsewhere.goto(f"/tasks/{near['task']['id']}").status == 404
