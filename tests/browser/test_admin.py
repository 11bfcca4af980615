"""The administrator's page in a real browser (a day off on the working calendar,
a new user with the server's field error shown beside its field, a user changed, a
unit's function changed, first refused beside its field), and, on the same platform,
a supervisor's notifications page after a step went overdue."""
import re
from datetime import date

from playwright.sync_api import expect

from .conftest import shoot

NEW_USER = "thuky.phuhoi"


def test_the_admin_adds_a_day_off_and_creates_a_user(platform, open_as):
    year = platform.ok("GET", "/calendar")
    day = date.fromisoformat(year["working_days"][-3])
    page = open_as("admin")
    expect(page).to_have_url(re.compile(r"/admin$"))

    page.get_by_role("link", name="Lịch làm việc").click()
    form = page.locator("#new-override")
    form.get_by_label("Ngày", exact=True).fill(day.strftime("%d/%m/%Y"))
    form.get_by_label("Loại").select_option("day_off")
    form.get_by_label("Lý do").fill("Nghỉ bù ngày hội của tỉnh")
    form.get_by_role("button", name="Thêm ngày điều chỉnh").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu ngày điều chỉnh.")
    row = page.locator("table.overrides tbody tr", has_text=day.strftime("%d/%m/%Y"))
    expect(row).to_contain_text("Ngày nghỉ")
    expect(row).to_contain_text("Nghỉ bù ngày hội của tỉnh")
    assert day.isoformat() not in platform.ok("GET", f"/calendar?year={day.year}")["working_days"]
    shoot(page, "admin-calendar-vi")

    page.get_by_role("link", name="Người dùng").click()
    page.get_by_role("button", name="Người dùng mới").click()
    form = page.get_by_role("dialog")
    form.get_by_label("Tên đăng nhập").fill(NEW_USER)
    form.get_by_label("Họ và tên").fill("Phan Thị Thư Ký")
    form.get_by_label("Mật khẩu", exact=True).fill("short")
    form.get_by_label("Cán bộ tiếp nhận").check()
    form.get_by_label("Đơn vị").select_option("UBND.PHUHOI.MC")
    form.get_by_role("button", name="Tạo người dùng").click()
    password = form.get_by_label("Mật khẩu", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")  # the server's 422, beside it
    expect(form.locator(".field-error")).to_be_visible()
    shoot(page, "admin-users-vi")
    password.fill("thuky-phuhoi-2026")
    form.get_by_role("button", name="Tạo người dùng").click()
    expect(page.get_by_role("status")).to_have_text(f"Đã tạo người dùng {NEW_USER}.")
    [user] = [u for u in platform.ok("GET", "/users?per_page=100")["items"]
              if u["username"] == NEW_USER]
    assert (user["roles"], user["units"], user["active"]) == (
        ["reception"], ["UBND.PHUHOI.MC"], True)

    page.get_by_role("button", name="Sửa designer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Họ và tên").fill("Nguyễn Văn Thiết Kế (quy trình)")
    dialog.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_have_text("Đã cập nhật người dùng designer.")
    row = page.locator("tr", has=page.get_by_role("button", name="Sửa designer"))
    expect(row).to_contain_text("(quy trình)")
    page.get_by_role("link", name="Đơn vị").click()
    expect(page.get_by_role("table")).to_contain_text("CA.LD")
    shoot(page, "admin-units-vi")


def test_the_admin_page_in_english(platform, open_as):
    page = open_as("admin", lang="en")
    expect(page.get_by_role("table")).to_contain_text("Administrator")
    shoot(page, "admin-users-en")
    page.get_by_role("link", name="Units").click()
    expect(page.get_by_role("table")).to_contain_text("CA.LD")
    shoot(page, "admin-units-en")
    page.get_by_role("button", name="Change the function of CA.LLTP").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Function").fill("Records Office")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_label("Function")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Function").fill("criminal_records")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("The function of unit CA.LLTP was changed.")
    units = platform.ok("GET", "/units?per_page=100")["items"]
    assert {u["code"]: u["function"] for u in units}["CA.LLTP"] == "criminal_records"
    page.get_by_role("link", name="Working calendar").click()
    expect(page.get_by_role("heading", name=re.compile("Working calendar of"))).to_be_visible()
    shoot(page, "admin-calendar-en")


def _household(platform):
    return platform.ok("POST", "/dossiers", {
        "procedure": "1.001612", "channel": "direct", "handling_unit": "UBND.PHUHOI",
        "applicant": {"name": "Trần Văn Bình", "id_number": "046090004321"}, "data": {}},
        as_user="reception")


def _notified(platform, username, page, count):
    """The scheduler (a process of its own, ticking every second) fires the due
    timers after the clock moved: wait until `username` has `count` notifications."""
    for _ in range(120):
        if platform.ok("GET", "/notifications", as_user=username)["total"] >= count:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{username} was not notified")


def test_a_supervisor_reads_the_notifications_of_an_overdue_step(platform, open_as):
    code = _household(platform)["code"]
    task = platform.ok("GET", f"/dossiers/{code}", as_user="reception")["tasks"][0]
    platform.ok("POST", f"/tasks/{task['id']}/claim", as_user="reception")
    platform.ok("POST", "/admin/clock", {"advance": "P10D"})
    english = open_as("supervisor", lang="en")
    _notified(platform, "supervisor", english, 2)
    english.goto("/notifications")
    expect(english.locator("table.notifications")).to_contain_text(code)
    shoot(english, "notifications-index-en")

    page = open_as("supervisor")
    page.goto("/notifications")
    row = page.locator("table.notifications tbody tr").first
    expect(row.get_by_role("link", name=code)).to_have_attribute("href", f"/dossiers/{code}")
    shoot(page, "notifications-index-vi")
    row.get_by_role("button", name=re.compile("^Đánh dấu đã đọc")).click()
    expect(page.locator("table.notifications tbody tr").first).to_contain_text("Đã đọc")
    page.get_by_role("button", name="Đánh dấu tất cả đã đọc").click()
    expect(page.get_by_role("banner").locator(".badge")).to_have_text("0")
    assert platform.ok("GET", "/notifications?unread=true", as_user="supervisor")["total"] == 0
