"""Printable slips: receipt and appointment, supplement request, refusal,
apology and new appointment, and the step hand-over log, as HTML pages read
from the dossier and its events; hidden or inapplicable slips are not found."""
import re
from datetime import datetime

from sqlalchemy import select

from api.config import TestConfig
from engine.deadlines import statutory
from engine.kernel import events
from engine.deadlines.worktime import VN
from engine.kernel.context import Ctx
from engine.people.directory import actor_for, get_user
from engine.store.dossiers import Dossier
from engine.kernel.uow import unit_of_work

from .helpers import APPLICANT, claim_and_complete, open_dossier


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _slip(caller, code, kind):
    response = caller.get(f"/api/v1/dossiers/{code}/slips/{kind}")
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def _change(db, clock, code, change, username="reception"):
    """Run `change(ctx, dossier)` in a unit of work as `username`."""
    ctx = Ctx(db, clock, actor_for(db, get_user(db, username).id),
              settings=TestConfig.SETTINGS)
    with unit_of_work(ctx) as session:
        change(ctx, session.scalar(select(Dossier).where(Dossier.code == code)))


def _record(db, clock, code, type_, detail, username="reception"):
    _change(db, clock, code, lambda ctx, dossier: events.record(
        ctx, type_, dossier=dossier, detail=detail), username)


def _not_found(caller, code, kind):
    response = caller.get(f"/api/v1/dossiers/{code}/slips/{kind}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    return response.get_json()["detail"]


def test_receipt_and_appointment(household, login_as):
    admin, reception = login_as("admin"), login_as("reception")
    admin.post("/api/v1/admin/clock", json={"now": "2026-04-24T16:00:00+07:00"})
    code = open_dossier(reception, household)["code"]
    html = _slip(reception, code, "receipt")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html and all(m in html for m in MOTTO)
    assert "@page { size: A5; margin: 12mm }" in html
    assert code in html and "Đăng ký thành lập hộ kinh doanh" in html
    assert "Cơ quan giải quyết: Ủy ban nhân dân phường Phú Hội" in html  # the handling commune
    for value in (APPLICANT["name"], APPLICANT["id_number"], APPLICANT["address"],
                  APPLICANT["phone"]):
        assert value in html
    for document in ("Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao giấy tờ pháp lý của cá nhân",
                     "Biên bản họp thành viên hộ gia đình"):
        assert f"<li>{document}</li>" in html
    assert "Thời gian nhận hồ sơ: <strong>16:00 ngày 24/04/2026</strong>" in html
    assert "Thời gian trả kết quả giải quyết hồ sơ: <strong>16:00 ngày 04/05/2026</strong>" \
        in html
    assert "100.000 đồng" in html and "Trần Thị Tiếp Nhận" in html  # the receiving officer
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in html and "ngày 24 tháng 04 năm 2026" in html


def test_handover_log_lists_steps_with_who_and_when(household, login_as, clock):
    reception, officer = login_as("reception"), login_as("officer")
    dossier = open_dossier(reception, household)
    code = dossier["code"]
    clock.set(at(4, 24, 10, 15))
    claim_and_complete(reception, dossier["tasks"][0]["id"], {
        "business_name": "Quán Cơm Bình Dân", "capital": 50_000_000, "needs_inspection": False})
    html = _slip(officer, code, "handover")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", html, re.S)
    assert len(rows) == 3  # one per step: the check, then fee and review in parallel
    check = rows[0]
    assert "Tiếp nhận, kiểm tra hồ sơ" in check and "Task_Check" in check
    assert "Trần Thị Tiếp Nhận (reception)" in check and "Trung tâm Phục vụ" in check
    assert "09:00 ngày 24/04/2026" in check and "10:15 ngày 24/04/2026" in check
    assert "14:30 ngày 24/04/2026" in check and "Đúng hạn" in check  # allotment 4h
    opened = sorted(re.search(r"<small>(\w+)</small>", row).group(1) for row in rows[1:])
    assert opened == ["Task_Fee", "Task_Review"]
    assert all("Đang xử lý" in row and "10:15 ngày 24/04/2026" in row for row in rows[1:])


def test_refusal_slip_from_its_event(household, login_as, db, clock):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    assert _not_found(reception, code, "refusal") == "No refusal slip for this dossier."
    _record(db, clock, code, "dossier.refused", {"reason": "Hồ sơ không thuộc thẩm quyền"})
    html = _slip(reception, code, "refusal")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in html
    assert "<strong>Hồ sơ không thuộc thẩm quyền</strong>" in html
    assert "09:00 ngày 24/04/2026" in html and "Trần Thị Tiếp Nhận" in html


def test_supplement_slip_lists_the_latest_request(household, login_as, db, clock):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    _record(db, clock, code, "dossier.supplement_requested",
            {"missing": ["Giấy tờ cũ"], "note": "lần một", "late": False})
    assert "Lưu ý" not in _slip(reception, code, "supplement")
    clock.set(at(4, 29, 14))
    _record(db, clock, code, "dossier.supplement_requested", {
        "missing": ["Bản sao căn cước", "Hợp đồng thuê địa điểm"], "note": "Bản có chứng thực",
        "late": True}, username="officer")
    html = _slip(reception, code, "supplement")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in html
    assert "<li>Bản sao căn cước</li>" in html and "<li>Hợp đồng thuê địa điểm</li>" in html
    assert "Giấy tờ cũ" not in html and "Bản có chứng thực" in html
    assert "Lưu ý" in html and "sau thời hạn 3 ngày làm việc" in html  # flagged late
    assert "14:00 ngày 29/04/2026" in html and "Lê Văn Chuyên Viên" in html


def test_apology_slip_gives_old_and_new_appointments(household, login_as, db, clock):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]  # Fri 24 Apr 09:00: due Mon 4 May 09:00
    assert _not_found(reception, code, "apology") == "No apology slip for this dossier."
    _change(db, clock, code, lambda ctx, dossier: statutory.extend(
        ctx, dossier, at(5, 6, 16), "Cần xác minh thêm địa điểm"), username="leader")
    html = _slip(reception, code, "apology")
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in html
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: <strong>09:00 ngày 04/05/2026</strong>" \
        in html
    assert "<strong>16:00 ngày 06/05/2026</strong>" in html
    assert "Lý do: Cần xác minh thêm địa điểm" in html and "Hoàng Văn Lãnh Đạo" in html


def test_slips_that_do_not_apply_or_cannot_be_seen_are_not_found(household, login_as):
    reception, justice = login_as("reception"), login_as("justice")
    code = open_dossier(reception, household)["code"]
    online = open_dossier(reception, household, channel="online")["code"]
    assert _not_found(reception, online, "receipt") == "No receipt slip for this dossier."
    assert _not_found(reception, online, "handover") == "No handover slip for this dossier."
    assert _not_found(reception, code, "supplement") == "No supplement slip for this dossier."
    assert "kind 'invoice'" in _not_found(reception, code, "invoice")
    assert _not_found(justice, code, "receipt") == f"No dossier {code}."
    assert _not_found(reception, "NONE-260424-0001", "receipt") == "No dossier NONE-260424-0001."


def test_applicant_text_is_escaped(household, login_as):
    reception = login_as("reception")
    response = reception.post("/api/v1/dossiers", json={
        "procedure": household, "handling_unit": "UBND.PHUHOI", "channel": "direct",
        "applicant": {**APPLICANT, "name": "<script>alert('x')</script>",
                      "address": "1 & 2 <b>Lê Lợi</b>"}})
    code = response.get_json()["code"]
    for kind in ("receipt", "handover"):
        html = _slip(reception, code, kind)
        assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "1 &amp; 2 &lt;b&gt;Lê Lợi&lt;/b&gt;" in _slip(reception, code, "receipt")


def test_slip_route_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/dossiers/{code}/slips/{kind}"]["get"]
    assert "text/html" in operation["responses"]["200"]["content"]
    assert "application/problem+json" in operation["responses"]["404"]["content"]
