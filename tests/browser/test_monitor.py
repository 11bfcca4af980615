"""The supervisor's dashboard in a real browser: an overdue step and dossier in
the lists, the on-time charts, the overdue step marked on the heatmap's diagram,
the period's report and its CSV; a leader sees the overdue lists only.

The world, on the platform clock: birth registrations resolved at Phú Vang on
Tue 12 Jan 2027 (the same day) and at Kim Long late in February (signed three
days after a one-working-day limit), one at Phú Vang on Tue 9 Mar 2027 09:00,
and a business household for Phú Hội opened at the provincial desk then. Now is
Mon 15 Mar 2027 09:00: the household's check (4 working hours) and the dossier
(3 working days) are past due.
"""
import re

import pytest
from playwright.sync_api import expect

from ..api.helpers import APPLICANT, HOUSEHOLD, HOUSEHOLD_COMMUNE
from ..api.test_procedure_birth_registration import RECEPTION, SIGN, VERIFY
from .conftest import shoot

BIRTH = "1.001193"
HOUSEHOLD_NAME = "Đăng ký thành lập hộ kinh doanh"
CHECK = "Task_Check"


def _open(platform, user, procedure, unit):
    body = {"procedure": procedure, "applicant": APPLICANT, "channel": "direct", "data": {},
            "handling_unit": unit}
    return platform.ok("POST", "/dossiers", body, as_user=user)["code"]


def _step(platform, code, element, user, data):
    dossier = platform.ok("GET", f"/dossiers/{code}", as_user=user)
    [task] = [t for t in dossier["tasks"] if t["element_id"] == element]
    platform.ok("POST", f"/tasks/{task['id']}/claim", as_user=user)
    platform.ok("POST", f"/tasks/{task['id']}/complete", {"data": data}, as_user=user)


def _birth(platform, commune, born, late_by=None):
    """A birth registered at `commune` (its desk, civil status officer, chairman)."""
    code = _open(platform, f"{commune}_desk", BIRTH, f"UBND.{commune.upper()}")
    _step(platform, code, "Task_Receive", f"{commune}_desk", {**RECEPTION, "child_dob": born})
    if late_by:
        platform.ok("POST", "/admin/clock", {"advance": late_by})
    _step(platform, code, "Task_Verify", f"{commune}_hotich", VERIFY)
    _step(platform, code, "Task_Sign", f"{commune}_chutich", SIGN)


@pytest.fixture(scope="module")
def late(platform):
    """The household dossier whose check and clock are overdue now."""
    def clock(**move):
        platform.ok("POST", "/admin/clock", move)
    clock(now="2027-01-12T09:00:00+07:00")
    _birth(platform, "phuvang", "2027-01-08")
    clock(now="2027-02-23T09:00:00+07:00")
    _birth(platform, "kimlong", "2027-02-20", late_by="P3D")
    clock(now="2027-03-09T09:00:00+07:00")
    _birth(platform, "phuvang", "2027-03-05")
    code = _open(platform, "reception", HOUSEHOLD, HOUSEHOLD_COMMUNE)
    clock(advance="P6D")  # Mon 15 Mar 09:00
    return code


NAMES = {"vi": {"overdue": "Quá hạn", "rates": "Tỉ lệ đúng hạn",
                "heatmap": "Bản đồ nhiệt trên quy trình", "report": "Báo cáo",
                "procedure": "Thủ tục", "csv": "Tải tệp CSV", "total": "Tổng",
                "resolved": ": 3,"},
         "en": {"overdue": "Overdue", "rates": "On-time rate", "heatmap": "Heatmap on the diagram",
                "report": "Report", "procedure": "Procedure", "csv": "Download CSV",
                "total": "Total", "resolved": ": 3,"}}


def _overdue_lists(page, code, names):
    step = page.locator("[data-watch=task] tbody tr").filter(has_text=code)
    expect(step).to_contain_text("Tiếp nhận, kiểm tra hồ sơ")
    expect(step).to_contain_text(names["overdue"])
    expect(step.get_by_role("link", name=code)).to_have_attribute("href", f"/dossiers/{code}")
    dossier = page.locator("[data-watch=dossier] tbody tr").filter(has_text=code)
    expect(dossier).to_contain_text("Ủy ban nhân dân phường Phú Hội")
    expect(dossier).to_contain_text(names["overdue"])


def _tab(page, name):
    page.get_by_role("tab", name=name).click()
    return page.get_by_role("tabpanel", name=name)


def _dashboard(page, code, lang):
    """Every section of the dashboard, checked and photographed in `lang`."""
    names = NAMES[lang]
    page.goto(f"/monitor?lang={lang}")
    _overdue_lists(page, code, names)
    shoot(page, f"monitor-overdue-{lang}")

    rates = _tab(page, names["rates"])
    expect(rates.locator("[data-rows=month] tr")).to_have_count(12)
    expect(rates.locator("#month-summary")).to_contain_text(names["resolved"])
    expect(rates.locator("[data-rows=unit]")).to_contain_text("Ủy ban nhân dân xã Phú Vang")
    shoot(page, f"monitor-rates-{lang}")

    heatmap = _tab(page, names["heatmap"])
    heatmap.get_by_label(names["procedure"]).select_option(HOUSEHOLD)
    check = heatmap.locator(f'.djs-element[data-element-id="{CHECK}"]')
    expect(check).to_have_class(re.compile(r"\bheat-overdue\b"))
    expect(heatmap.locator(".djs-element.heat-overdue")).to_have_count(1)
    expect(heatmap.locator("#heat-table")).to_contain_text("Tiếp nhận, kiểm tra hồ sơ")
    shoot(page, f"monitor-heatmap-{lang}")

    report = _tab(page, names["report"])
    expect(report.locator("tbody tr").filter(has_text=HOUSEHOLD_NAME)).to_have_count(1)
    expect(report.locator("tfoot")).to_contain_text(names["total"])
    shoot(page, f"monitor-report-{lang}")
    return report, names


def test_a_supervisor_finds_the_overdue_step_on_the_diagram_and_in_the_report(open_as, late):
    page = open_as("supervisor")
    report, names = _dashboard(page, late, "vi")
    with page.expect_download() as download:
        report.get_by_role("link", name=names["csv"]).click()
    assert re.fullmatch(r"stats-\d{4}-\d\d-\d\d-2027-03-15-procedure\.csv",
                        download.value.suggested_filename)
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("\ufeffgroup_by,key,name,") and f"procedure,{HOUSEHOLD}," in text


def test_the_dashboard_in_english(open_as, late):
    _dashboard(open_as("supervisor", lang="en"), late, "en")


def test_a_leader_sees_the_overdue_lists_of_the_commune_only(open_as, late):
    page = open_as("leader")
    page.goto("/monitor")
    _overdue_lists(page, late, NAMES["vi"])
    expect(page.get_by_role("tab")).to_have_count(0)
    expect(page.locator("#report")).to_have_count(0)
