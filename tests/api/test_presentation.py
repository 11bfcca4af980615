"""What people read: the catalogue, the reader's language and the filters.

Slips come out in Vietnamese by default and in English with `?lang=en` (then
remembered) or `Accept-Language: en`; instants, money and labels are written
by the filters from the data the engine returns; every text the templates and
the web layer use has its Vietnamese translation.
"""
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from api import presentation
from api.labels import LABELS, MESSAGES
from engine.deadlines.worktime import VN
from engine.kernel.clock import parse_instant
from engine.scheduling.notifications import notify, text_of
from engine.people.directory import get_user
from engine.kernel.uow import unit_of_work

from .helpers import open_dossier

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 4, 24, 16, 5, tzinfo=VN)


def _receipt(caller, code, **kwargs):
    response = caller.get(f"/api/v1/dossiers/{code}/slips/receipt", **kwargs)
    assert response.status_code == 200
    return response


def test_slips_are_vietnamese_unless_english_is_asked(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    vi = _receipt(reception, code)
    assert vi.headers["Content-Language"] == "vi" and '<html lang="vi">' in vi.text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in vi.text and "Trực tiếp" in vi.text
    en = _receipt(reception, code, query_string={"lang": "en"})
    assert en.headers["Content-Language"] == "en" and '<html lang="en">' in en.text
    for text in ("RECEIPT AND APPOINTMENT FOR THE RESULT", "SOCIALIST REPUBLIC OF VIETNAM",
                 "Dossier code: <strong>", "Received at: <strong>09:00 on 24/04/2026</strong>",
                 "Fees and charges: VND 100,000", "How it was submitted: In person",
                 '<p class="dated">24/04/2026</p>'):
        assert text in en.text, text
    assert not any(text in en.text for text in ("Ông/Bà", "Thời gian", "Trực tiếp", "đồng"))
    assert "Set-Cookie" in en.headers and "lang=en" in en.headers["Set-Cookie"]


def test_the_language_is_remembered_then_accept_language(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    assert "RECEIPT AND" in _receipt(reception, code, query_string={"lang": "en"}).text
    assert "RECEIPT AND" in _receipt(reception, code).text  # the cookie
    assert "GIẤY TIẾP NHẬN" in _receipt(reception, code, query_string={"lang": "vi"}).text
    assert "GIẤY TIẾP NHẬN" in _receipt(reception, code).text
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    reception.client.delete_cookie("lang")
    assert "RECEIPT AND" in _receipt(reception, code, headers=english).text
    assert "GIẤY TIẾP NHẬN" in _receipt(reception, code, headers={"Accept-Language": "fr"}).text
    assert "GIẤY TIẾP NHẬN" in _receipt(reception, code, query_string={"lang": "xx"}).text


@pytest.mark.parametrize("value, lang, expected", [
    (AT, "vi", "24/04/2026 16:05"),
    (AT, "en", "24/04/2026 16:05"),
    ("2026-04-24T09:05:00+00:00", "vi", "24/04/2026 16:05"),
    ("2026-12-31T17:30:00.000+00:00", "vi", "01/01/2027 00:30"),
    (None, "vi", ""),
    ("", "en", ""),
])
def test_instant(value, lang, expected):
    assert presentation.instant(value, lang) == expected


@pytest.mark.parametrize("value, lang, slip, line", [
    (AT, "vi", "16:05 ngày 24/04/2026", "ngày 24 tháng 04 năm 2026"),
    (AT, "en", "16:05 on 24/04/2026", "24/04/2026"),
    ("2026-01-01T00:00:00+00:00", "vi", "07:00 ngày 01/01/2026", "ngày 01 tháng 01 năm 2026"),
    (None, "vi", "", ""),
])
def test_slip_instant_and_date_line(value, lang, slip, line):
    assert presentation.slip_instant(value, lang) == slip
    assert presentation.date_line(value, lang) == line


@pytest.mark.parametrize("amount, lang, words, expected", [
    (1_234_567, "vi", False, "1.234.567 đ"),
    (1_234_567, "vi", True, "1.234.567 đồng"),
    (100_000, "en", False, "VND 100,000"),
    (500, "vi", False, "500 đ"),
    (0, "vi", False, "0 đ"),
    ("250000", "vi", True, "250.000 đồng"),
])
def test_money(amount, lang, words, expected):
    assert presentation.money(amount, lang, words=words) == expected


NATIONAL = {1: ("Mới đăng ký", "New"), 2: ("Đã tiếp nhận", "Received"),
            3: ("Không được tiếp nhận", "Not received"), 4: ("Đang xử lý", "Being processed"),
            5: ("Yêu cầu bổ sung", "Supplement requested"),
            6: ("Chờ thực hiện nghĩa vụ tài chính", "Waiting for fees"),
            7: ("Công dân yêu cầu rút hồ sơ", "Withdrawn"), 8: ("Dừng xử lý", "Stopped"),
            9: ("Đã xử lý xong", "Resolved"), 10: ("Đã trả kết quả", "Result delivered")}


@pytest.mark.parametrize("code", sorted(NATIONAL))
def test_national_status_labels_are_ui_mds(code):
    vi, en = NATIONAL[code]
    assert presentation.status_label(code, "vi") == vi
    assert presentation.status_label(code, "en") == en


def test_labels_of_unknown_codes_show_the_code():
    assert presentation.label("post", "channel", "vi") == "Bưu chính"
    assert presentation.label("fax", "channel", "vi") == "fax"
    assert presentation.label("late", "step_outcome", "vi") == "Quá hạn"
    assert presentation.label("late", "step_outcome", "en") == "Overdue"


def test_stored_messages_render_in_the_readers_language():
    params = {"task": "Thẩm định", "dossier": "STP-260424-0001",
              "due_at": "2026-04-24T09:30:00+00:00"}
    assert presentation.message("task.overdue", params, "en") == \
        "'Thẩm định' of STP-260424-0001 is overdue (due 24/04/2026 16:30)."
    assert presentation.message("task.overdue", params, "vi") == \
        "'Thẩm định' của hồ sơ STP-260424-0001 đã quá hạn (hạn 24/04/2026 16:30)."
    for key in MESSAGES:
        assert "STP-260424-0001" in presentation.message(key, params, "vi")


def test_notifications_are_listed_in_the_readers_language(demo, admin_ctx, login_as):
    params = {"task": "Thẩm định", "dossier": "STP-260424-0001",
              "due_at": "2026-04-24T09:30:00+00:00"}
    with unit_of_work(admin_ctx) as session:
        [row] = notify(admin_ctx, [get_user(session, "leader")], "task.overdue", params=params)
        english = "'Thẩm định' of STP-260424-0001 is overdue (due 24/04/2026 16:30)."
        vietnamese = "'Thẩm định' của hồ sơ STP-260424-0001 đã quá hạn (hạn 24/04/2026 16:30)."
        assert (row.message, row.params) == ("", params)
        assert text_of(row) == vietnamese  # e-mail: the platform's language
    leader = login_as("leader")
    for headers, text in (({}, english), ({"Accept-Language": "vi"}, vietnamese)):
        [item] = leader.get("/api/v1/notifications", headers=headers).get_json()["items"]
        assert item["message"] == text and item["type"] == "task.overdue"


def test_json_answers_default_to_english_pages_to_vietnamese(app):
    for headers, page, answer in (({}, "vi", "en"), ({"Accept-Language": "vi"}, "vi", "vi"),
                                  ({"Accept-Language": "en-US"}, "en", "en"),
                                  ({"Cookie": "lang=vi"}, "vi", "vi")):
        with app.test_request_context("/", headers=headers):
            assert (presentation.page_language(), presentation.answer_language()) == \
                (page, answer)
    with app.test_request_context("/?lang=en", headers={"Accept-Language": "vi"}):
        assert presentation.page_language() == presentation.answer_language() == "en"


def test_parse_instant_reads_naive_text_in_vietnam_time():
    utc = datetime(2026, 4, 24, 9, 0, tzinfo=timezone.utc)
    assert parse_instant("2026-04-24T16:00:00") == utc
    assert parse_instant("2026-04-24T16:00:00+07:00") == utc
    assert parse_instant("2026-04-24T09:00:00Z") == utc
    assert parse_instant(datetime(2026, 4, 24, 16, 0)) == utc
    assert parse_instant(utc).tzinfo == timezone.utc and parse_instant(None) is None


def _catalogue(lang):
    return presentation.catalogue(lang)


def _used():
    """Every message the web layer and the templates use, as `pybabel extract` finds them."""
    method_map = [("api/**.py", "python"), ("web/*.py", "python"),
                  ("web/templates/**.html", "jinja2")]
    return {(context, message if isinstance(message, str) else message[0])
            for _, _, message, _, context in extract_from_dir(str(ROOT), method_map)}


def _placeholders(text):
    return sorted(re.findall(r"%\((\w+)\)s", text))


def test_every_message_has_its_vietnamese_translation():
    vi = _catalogue("vi")
    known = {(m.context, m.id): m for m in vi if m.id}
    used = _used() | {(None, text) for kind in LABELS.values() for text in kind.values()}
    assert used - set(known) == set(), "see api/translations/README.md"
    for (_, text), entry in known.items():
        assert entry.string and not entry.fuzzy, text
        assert _placeholders(entry.string) == _placeholders(text), text
    # English is the source language: its catalogue may only override known wording
    assert {m.id for m in _catalogue("en") if m.id} <= {text for _, text in known}
