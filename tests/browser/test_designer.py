"""The designer in a real browser: a shipped procedure opened in the modeler, a
step's allotment changed in the properties panel, a validation failure pinned to
its element, a validation that passes, a deployment listed as the next version
(and read back through the API), the two versions compared; the catalogue's form,
the form editor and both languages."""
import re

from playwright.sync_api import expect

from .conftest import shoot

BIRTH = "1.001193"  # birth registration: Task_Verify has the allotment 4h
VERIFY = 'g.djs-element[data-element-id="Task_Verify"]'
ALLOTMENT = "#bio-properties-panel-Task_Verify-extensionProperty-0-value"


def _set_allotment(page, text):
    value = page.locator(ALLOTMENT)
    if not value.is_visible():
        group = page.locator('[data-group-id="group-CamundaPlatform__ExtensionProperties"]')
        group.locator(".bio-properties-panel-group-header").click()
        group.locator(".bio-properties-panel-collapsible-entry-header",
                      has_text="allotment").click()
    value.fill(text)


def test_designer_changes_an_allotment_validates_and_deploys(open_as, platform):
    before = platform.ok("GET", f"/procedures/{BIRTH}")["active_version"]["version"]
    page = open_as("designer")
    expect(page).to_have_url(re.compile(r"/designer$"))
    expect(page.get_by_role("row", name=re.compile(BIRTH))).to_contain_text(
        f"Phiên bản {before}")
    shoot(page, "designer-catalogue-vi")

    page.get_by_role("link", name=BIRTH).click()
    expect(page.locator(VERIFY)).to_be_visible()
    expect(page.locator(f'#versions-body tr[data-version="{before}"]')).to_contain_text(
        "đang áp dụng")
    page.locator(VERIFY).click()
    _set_allotment(page, "ba giờ")
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.locator(f"{VERIFY}.problem-marker")).to_be_visible()
    expect(page.locator('.djs-overlays[data-container-id="Task_Verify"] .finding-badge')
           ).to_be_visible()
    expect(page.locator("#findings")).to_contain_text("ba giờ")
    shoot(page, "designer-modeler-vi")

    _set_allotment(page, "3h")
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.locator("#outcome .notice")).to_contain_text("Sơ đồ đạt mọi yêu cầu kiểm tra")
    expect(page.locator(".problem-marker")).to_have_count(0)
    assert platform.ok("GET", f"/procedures/{BIRTH}/versions")["total"] == before

    page.get_by_role("button", name="Triển khai", exact=True).click()
    expect(page.locator("#outcome .notice")).to_contain_text(
        f"Đã triển khai phiên bản {before + 1}")
    expect(page.locator(f'#versions-body tr[data-version="{before + 1}"]')).to_contain_text(
        "đang áp dụng")
    version = platform.ok("GET", f"/procedures/{BIRTH}/versions/{before + 1}")
    tasks = {task["element_id"]: task for task in version["user_tasks"]}
    assert tasks["Task_Verify"]["allotment"] == "3h"
    assert tasks["Task_Receive"]["allotment"] == "1h"  # the rest as it was

    page.get_by_role("tab", name="Những gì thay đổi").click()
    page.get_by_role("button", name="So sánh").click()
    expect(page.locator('#changes-body tr[data-element-id="Task_Verify"]')).to_contain_text(
        "allotment: 4h → 3h")
    expect(page.locator('#compare-right g.djs-element.diff-changed'
                        '[data-element-id="Task_Verify"]')).to_be_visible()


def test_designer_pages_in_english_and_a_new_procedure(open_as):
    page = open_as("designer", lang="en")
    expect(page.get_by_role("heading", name="Procedure catalogue")).to_be_visible()
    shoot(page, "designer-catalogue-en")

    page.get_by_role("link", name=BIRTH).click()
    expect(page.locator(VERIFY)).to_be_visible()
    expect(page.get_by_role("button", name="Validate")).to_be_visible()
    expect(page.get_by_role("button", name="Deploy")).to_be_visible()
    page.locator(VERIFY).click()
    expect(page.locator('[data-group-id="group-CamundaPlatform__UserAssignment"]')).to_be_visible()
    shoot(page, "designer-modeler-en")

    page.get_by_role("tab", name="Forms").click()
    page.get_by_label("Form of the open version").select_option("birth-verification")
    page.get_by_role("button", name="Edit the form").click()
    expect(page.locator("#form-editor")).to_contain_text("Quyển số")

    page.goto("/designer")
    page.get_by_label("Code", exact=True).fill("TEST.DESIGNER")
    page.get_by_label("Procedure name").fill("Thủ tục thử")
    page.get_by_label("Agency (unit code)").fill("KHONG.CO")
    page.get_by_role("button", name="Create the procedure").click()
    expect(page.locator("#new-procedure .field-error")).to_be_visible()  # no such unit
    page.get_by_label("Agency (unit code)").fill("UBND")
    page.get_by_role("button", name="Create the procedure").click()
    expect(page).to_have_url(re.compile(r"/designer/TEST\.DESIGNER$"))
    expect(page.locator("#loaded")).to_contain_text("no version yet")
    expect(page.locator('g.djs-element[data-element-id="StartEvent_1"]')).to_be_visible()
