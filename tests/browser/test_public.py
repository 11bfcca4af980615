"""The public pages in a real browser: a citizen, not signed in, tracks a dossier
by its code from the home page and sees no personal data; the catalogue lists the
shipped procedures with their statutory time, fee and documents."""
import re

from playwright.sync_api import expect

from api.presentation import instant

from .conftest import shoot

APPLICANT = {"name": "Hoàng Thị Bích Ngọc", "id_number": "046188001234", "phone": "0935123456",
             "email": "ngoc.hoang@example.vn", "address": "27 Nguyễn Huệ, phường Phú Hội"}
HOUSEHOLD, COMMUNE = "1.001612", "UBND.PHUHOI"


def _received_dossier(platform):
    return platform.ok("POST", "/dossiers", {
        "procedure": HOUSEHOLD, "applicant": APPLICANT, "channel": "direct",
        "handling_unit": COMMUNE, "data": {}}, as_user="reception")


def test_a_citizen_tracks_a_dossier_by_its_code_and_sees_no_personal_data(platform, open_as):
    dossier = _received_dossier(platform)
    page = open_as(None)
    catalogue = page.get_by_role("table")
    expect(catalogue).to_contain_text("Đăng ký khai sinh")
    expect(catalogue.get_by_role("row").filter(has_text="Đăng ký thành lập hộ kinh doanh")) \
        .to_contain_text("3 ngày làm việc")
    expect(catalogue).to_contain_text("Không thu phí, lệ phí")  # birth registration
    shoot(page, "public-home-vi")

    page.get_by_label("Mã hồ sơ").fill(dossier["code"])
    page.get_by_role("button", name="Tra cứu").click()
    expect(page).to_have_url(re.compile(r"/track\?code="))
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Đăng ký thành lập hộ kinh doanh")
    expect(facts).to_contain_text("Đã tiếp nhận")  # national status 2
    expect(facts).to_contain_text(instant(dossier["received_at"]))
    expect(facts).to_contain_text(instant(dossier["due_at"]))
    shown = page.content()
    for value in APPLICANT.values():
        assert value not in shown
    shoot(page, "public-track-vi")

    answer = page.goto("/track?code=000.00.00.H22-000000-9999")
    assert answer.status == 404
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")


def test_the_public_pages_in_english(platform, open_as):
    dossier = _received_dossier(platform)
    page = open_as(None, lang="en")
    expect(page.get_by_role("table")).to_contain_text("1 working day")
    shoot(page, "public-home-en")
    page.get_by_label("Dossier code").fill(dossier["code"])
    page.get_by_role("button", name="Track").click()
    expect(page.locator("dl.facts .status")).to_have_text("Received")
    shoot(page, "public-track-en")
