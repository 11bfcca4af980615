"""The dossier pages in a real browser: a leader of phường Phú Hội opens a
business-household dossier whose desk check and economy review are done (through
the API): the diagram marks those steps done and the fee confirmation current,
the history lists what happened; the leader grants the one extension with an
apology through the page's form and the clock shows it. Someone of another
commune gets the 404 page; the search finds the dossier by part of its code.
"""
import re

import pytest
from playwright.sync_api import expect

from .conftest import shoot

HOUSEHOLD = "1.001612"
APPLICANT = {"name": "Nguyễn Văn An", "id_number": "001099012345", "phone": "0912345678",
             "address": "12 Lê Lợi, Huế"}
CHECK = {"business_name": "Quán Cơm Bình Dân", "capital": 50_000_000, "needs_inspection": False}
REVIEW = {"review_note": "Đủ điều kiện đăng ký", "review_outcome": "ok"}
MONDAY = "2027-01-04T09:00:00+07:00"  # a working Monday: due Thursday 07/01/2027


def _step(platform, code, element_id, user, data):
    tasks = platform.ok("GET", f"/dossiers/{code}", as_user=user)["tasks"]
    [task] = [t for t in tasks if t["element_id"] == element_id]
    platform.ok("POST", f"/tasks/{task['id']}/claim", as_user=user)
    platform.ok("POST", f"/tasks/{task['id']}/complete", {"data": data}, as_user=user)


@pytest.fixture(scope="module")
def code(platform):
    """A household business dossier for Phú Hội, its desk check and review done."""
    platform.ok("POST", "/admin/clock", {"now": MONDAY})
    opened = platform.ok("POST", "/dossiers", {
        "procedure": HOUSEHOLD, "applicant": APPLICANT, "channel": "direct",
        "handling_unit": "UBND.PHUHOI"}, as_user="reception")
    _step(platform, opened["code"], "Task_Check", "reception", CHECK)
    _step(platform, opened["code"], "Task_Review", "officer", REVIEW)
    return opened["code"]


def _element(page, element_id):
    return page.locator(f'#diagram g.djs-element[data-element-id="{element_id}"]')


def test_a_leader_sees_the_steps_marked_and_grants_an_extension(open_as, platform, code):
    page = open_as("leader")
    page.goto(f"/dossiers/{code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    for done in ("Task_Check", "Task_Review"):
        expect(_element(page, done)).to_have_class(re.compile(r"\bstep-done\b"))
    expect(_element(page, "Task_Fee")).to_have_class(re.compile(r"\bstep-current\b"))
    expect(_element(page, "Task_Fee")).not_to_have_class(re.compile(r"step-overdue"))
    expect(_element(page, "Task_Approve")).not_to_have_class(re.compile(r"step-"))
    history = page.locator("table.history")
    expect(history).to_contain_text("Tiếp nhận hồ sơ")
    expect(history.locator("tr", has_text="Hoàn thành bước")).to_have_count(2)
    expect(history).to_contain_text("Thẩm định hồ sơ")
    side = page.locator("#live-side")
    expect(side).to_contain_text("Nguyễn Văn An")
    expect(side).to_contain_text("Đang xử lý")  # national status 4: a step is done
    shoot(page, "dossiers-dossier-vi")

    # the leader may not withdraw (the desk's) but may extend, stop and move
    actions = page.get_by_role("group", name="Thao tác được phép")
    expect(actions.get_by_role("button", name="Rút hồ sơ")).to_have_count(0)
    expect(actions.get_by_role("button", name="Dừng xử lý")).to_be_visible()
    actions.get_by_role("button", name="Gia hạn (xin lỗi, hẹn lại)").click()
    form = page.get_by_role("form", name="Gia hạn (xin lỗi, hẹn lại)")
    form.get_by_label("Thời gian hẹn mới (giờ Việt Nam)").fill("2027-01-09T10:00")  # a Saturday
    form.get_by_label("Lý do chậm trễ").fill("Cần xác minh thêm địa điểm kinh doanh")
    form.get_by_role("button", name="Xác nhận").click()
    expect(form.locator(".field-error")).to_be_visible()  # the server's 422 beside the field
    form.get_by_label("Thời gian hẹn mới (giờ Việt Nam)").fill("2027-01-08T10:00")
    form.get_by_role("button", name="Xác nhận").click()
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("đã thực hiện")
    expect(notice.get_by_role("link", name="In phiếu xin lỗi và hẹn lại")).to_have_attribute(
        "href", re.compile(rf"/dossiers/{code}/slips/apology$"))
    clock = page.locator(".clock")
    expect(clock).to_contain_text("Đã gia hạn")
    expect(clock.locator(".clock-extended")).to_have_text("08/01/2027 10:00")
    expect(clock.locator(".clock-due")).to_have_text("08/01/2027 10:00")
    expect(page.locator("table.history")).to_contain_text("Gia hạn (xin lỗi, hẹn lại)")
    expect(page.locator("[data-slip=apology]").first).to_be_visible()
    expect(actions.get_by_role("button", name="Gia hạn (xin lỗi, hẹn lại)")).to_have_count(0)
    # the marks still stand after the page fetched its data again
    expect(_element(page, "Task_Fee")).to_have_class(re.compile(r"\bstep-current\b"))

    # the fee step (2 working hours) runs late: marked overdue
    platform.ok("POST", "/admin/clock", {"advance": "PT3H"})
    page.reload()
    expect(_element(page, "Task_Fee")).to_have_class(re.compile(r"\bstep-overdue\b"))


def test_another_commune_gets_not_found_and_the_search_finds_the_dossier(
        open_as, platform, code):
    stranger = open_as("thuanhoa_chutich")
    assert stranger.goto(f"/dossiers/{code}").status == 404
    assert stranger.goto(f"/dossiers/{code}/live").status == 404
    stranger.goto(f"/dossiers?code={code}")
    expect(stranger.locator("table.dossier-list")).to_have_count(0)

    page = open_as("leader", lang="en")
    page.goto("/dossiers")
    page.get_by_label("Dossier code").fill(code[-11:])
    page.get_by_label("Status").select_option(label="Being processed")
    page.get_by_role("button", name="Search").click()
    row = page.locator("table.dossier-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Being processed")
    expect(row).to_contain_text("Nguyễn Văn An")
    page.goto("/dossiers")
    shoot(page, "dossiers-search-en")
    row.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(_element(page, "Task_Fee")).to_have_class(re.compile(r"step-current"))
    shoot(page, "dossiers-dossier-en")

    vi = open_as("leader")
    vi.goto("/dossiers")
    expect(vi.locator("table.dossier-list")).to_contain_text("Đang xử lý")
    shoot(vi, "dossiers-search-vi")
