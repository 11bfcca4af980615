"""The reception desk in a real browser: Phú Vang's desk receives a walk-in dossier
that Kim Long handles (boundary-free reception), after the server has refused the
applicant's e-mail beside its field, and opens the receipt naming Kim Long; an
online submission is received from the queue; a ready result is handed back."""
import re

from playwright.sync_api import expect

from .conftest import shoot

DESK = "phuvang_desk"
HOUSEHOLD, BIRTH = "1.001612", "1.001193"  # commune-level procedures of the demo
KIM_LONG = "Ủy ban nhân dân phường Kim Long"
PDF = {"name": "don-de-nghi.pdf", "mimeType": "application/pdf",
       "buffer": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"}
APPLICANT = {"name": "Nguyễn Thị Mai", "id_number": "046190001234", "phone": "0905123456",
             "address": "5 Nguyễn Huệ, Huế"}
CODE = re.compile(r"/reception/dossiers/([^?]+)\?done=(\w+)")


def test_a_walk_in_dossier_for_another_commune_is_received_and_its_receipt_printed(open_as):
    page = open_as(DESK)
    expect(page).to_have_url(re.compile(r"/reception$"))
    page.get_by_label("Thủ tục").select_option(HOUSEHOLD)
    unit = page.get_by_label("Đơn vị giải quyết")
    expect(unit.get_by_role("option", name=KIM_LONG)).to_be_attached()
    unit.select_option(label=KIM_LONG)
    page.get_by_label("Họ và tên").fill(APPLICANT["name"])
    page.get_by_label("Số định danh cá nhân").fill(APPLICANT["id_number"])
    page.get_by_label("Số điện thoại").fill(APPLICANT["phone"])
    email = page.get_by_label("Email")
    email.fill("mai@hue")  # the browser accepts it; the API does not
    page.get_by_label("Địa chỉ").fill(APPLICANT["address"])
    page.get_by_label("Giấy đề nghị đăng ký hộ kinh doanh").check()
    page.get_by_label("Tệp scan (PDF, JPEG hoặc PNG)").set_input_files(PDF)
    page.get_by_role("button", name="Thêm tệp").click()
    expect(page.locator("#staged")).to_contain_text("don-de-nghi.pdf")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#applicant-email-error")).to_be_visible()
    shoot(page, "reception-walkin-vi")
    email.fill("mai@example.vn")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page).to_have_url(CODE)
    code = CODE.search(page.url).group(1)
    outcome = page.get_by_role("status")
    expect(outcome).to_contain_text(f"Đã tiếp nhận hồ sơ {code}. Hẹn trả kết quả lúc")
    appointment = page.locator("dd.appointment").inner_text()
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", appointment) and appointment in \
        outcome.inner_text()
    expect(page.locator("main")).to_contain_text(KIM_LONG)
    expect(page.get_by_role("link", name="don-de-nghi.pdf")).to_be_visible()  # attached
    shoot(page, "reception-outcome-vi")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Giấy tiếp nhận và hẹn trả kết quả").click()
    receipt = popup.value
    expect(receipt.locator("body")).to_contain_text(f"Mã hồ sơ: {code}")
    expect(receipt.locator("body")).to_contain_text(f"Cơ quan giải quyết: {KIM_LONG}")
    expect(receipt.locator("body")).to_contain_text("Nguyễn Thị Mai")
    shoot(receipt, "reception-receipt-vi")


def test_an_online_submission_is_received_from_the_queue(open_as, platform):
    online = platform.ok("POST", "/dossiers", {
        "procedure": HOUSEHOLD, "applicant": APPLICANT, "channel": "online",
        "handling_unit": "UBND.THUANHOA"}, as_user=DESK)
    page = open_as(DESK, lang="en")
    page.get_by_label("Procedure").select_option(BIRTH)
    expect(page.get_by_label("Handling unit").get_by_role("option", name=KIM_LONG)) \
        .to_be_attached()
    shoot(page, "reception-walkin-en")
    page.get_by_role("link", name=re.compile("Online submissions")).click()
    row = page.get_by_role("row").filter(has_text=online["code"])
    expect(row).to_contain_text("Nguyễn Thị Mai")
    shoot(page, "reception-online-en")
    row.get_by_role("button", name="Receive", exact=True).click()
    expect(page).to_have_url(CODE)
    expect(page.get_by_role("status")).to_contain_text(
        f"Dossier {online['code']} has been received. The result is due at")
    shoot(page, "reception-outcome-en")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Receipt and appointment").click()
    expect(popup.value.locator("body")).to_contain_text(online["code"])
    shoot(popup.value, "reception-receipt-en")
    assert platform.ok("GET", f"/dossiers/{online['code']}", as_user=DESK)["status"] in (
        "received", "processing")


VERIFY = {"register_book": "01/2026", "register_number": 7,
          "child_personal_id": "046226000007", "verification_note": "Đủ điều kiện"}
RECEPTION = {
    "child_name": "Trần Minh Khang", "child_dob": "2026-04-20", "child_sex": "male",
    "child_ethnicity": "Kinh", "child_nationality": "Việt Nam",
    "birth_place": "Bệnh viện Trung ương Huế", "mother_name": "Nguyễn Thị Mai",
    "father_name": "Trần Văn An", "requester_name": "Nguyễn Thị Mai",
    "requester_id_number": APPLICANT["id_number"], "requester_relation": "mother"}


def _walk_to_result(platform, code):
    """The birth registration's steps, done over the API by Phú Vang's staff."""
    for element_id, user, data in (("Task_Receive", DESK, RECEPTION),
                                   ("Task_Verify", "phuvang_hotich", VERIFY),
                                   ("Task_Sign", "phuvang_chutich", {"decision": "approve"})):
        tasks = platform.ok("GET", f"/dossiers/{code}", as_user=user)["tasks"]
        [task] = [t for t in tasks if t["element_id"] == element_id]
        platform.ok("POST", f"/tasks/{task['id']}/claim", as_user=user)
        platform.ok("POST", f"/tasks/{task['id']}/complete", {"data": data}, as_user=user)


def test_a_ready_result_is_handed_back(open_as, platform):
    code = platform.ok("POST", "/dossiers", {
        "procedure": BIRTH, "applicant": APPLICANT, "channel": "direct",
        "handling_unit": "UBND.PHUVANG"}, as_user=DESK)["code"]
    _walk_to_result(platform, code)
    platform.ok("POST", "/dossiers", {"procedure": BIRTH, "applicant": APPLICANT,
                                      "channel": "online", "handling_unit": "UBND.KIMLONG"},
                as_user=DESK)
    page = open_as(DESK)
    page.goto("/reception/online")
    expect(page.get_by_role("row")).to_have_count(2)
    shoot(page, "reception-online-vi")
    page.goto("/reception/results?lang=en")
    expect(page.get_by_role("button", name="Return result")).to_be_visible()
    shoot(page, "reception-results-en")
    page.goto("/reception/results?lang=vi")
    row = page.get_by_role("row").filter(has_text=code)
    row.get_by_role("button", name="Trả kết quả").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Hình thức trả kết quả").select_option("post")
    shoot(page, "reception-results-vi")
    dialog.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã trả kết quả hồ sơ {code}.")
    expect(page.locator(".status")).to_have_text("Đã trả kết quả")
