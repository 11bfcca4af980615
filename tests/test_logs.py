"""Structured logs: a failing timer and a failing e-mail each leave a line with
the dossier code and the job id; a lease takeover is logged; every request
has an id, echoed and carried by its lines; both formats; and no personal
data (names, identity numbers, addresses, e-mail addresses, form data) in
any line the platform writes, even at DEBUG."""
import io
import json
import logging
import socket
import sys
from dataclasses import replace
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.scheduling import firing, mail, scheduler
from engine.kernel import logs
from engine.kernel.context import Ctx
from engine.scheduling.notifications import notify
from engine.people.directory import get_user
from engine.kernel.settings import Settings
from engine.store.timers import Timer
from engine.kernel.uow import unit_of_work

from .api.conftest_data import deploy_timed
from .api.helpers import APPLICANT, claim_and_complete, open_dossier, open_task


@pytest.fixture
def captured(app):
    """Every line the platform logs, at its most verbose (`motcua` at DEBUG; other
    libraries at their own levels, as in production), as JSON objects."""
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    root, motcua = logging.getLogger(), logging.getLogger(logs.ROOT)
    level = motcua.level
    root.addHandler(handler)
    motcua.setLevel(logging.DEBUG)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    motcua.setLevel(level)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Refusing:
    """An SMTP server that refuses every recipient."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 No such mailbox"


@pytest.fixture
def refusing():
    controller = Controller(Refusing(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield Settings(smtp_host="127.0.0.1", smtp_port=controller.port)
    controller.stop()


def _with(ctx, settings):
    return Ctx(ctx.session, ctx.clock, ctx.actor, settings=settings)


def test_a_failing_timer_leaves_lines_with_its_dossier_and_job(
        demo, login_as, admin_ctx, clock, db, captured, monkeypatch):
    code = deploy_timed(login_as("designer"))
    dossier = open_dossier(login_as("reception"), code)["code"]
    timer_id = db.scalar(select(Timer.id).where(Timer.kind == "bpmn"))

    def broken(ctx, timer, dossier):
        raise RuntimeError("inbox unreachable")
    monkeypatch.setitem(firing.HANDLERS, "bpmn", broken)
    clock.advance(timedelta(seconds=3))
    scheduler.run_once(admin_ctx, "s1")
    [line] = [x for x in captured() if x["message"].startswith("timer failed")]
    assert (line["level"], line["dossier"], line["job_id"]) == (
        "WARNING", dossier, f"timer:{timer_id}")
    assert (line["error"], line["attempt"], line["retry_in_seconds"]) == (
        "RuntimeError: inbox unreachable", 1, 2)
    for _ in range(scheduler.MAX_ATTEMPTS):
        clock.advance(timedelta(hours=2))
        scheduler.run_once(admin_ctx, "s1")
    last = [x for x in captured() if x["message"].startswith("timer failed")][-1]
    assert (last["level"], last["dossier"], last["job_id"], last["attempt"]) == (
        "ERROR", dossier, f"timer:{timer_id}", scheduler.MAX_ATTEMPTS)
    assert "incident" in last["message"]


def test_a_lease_takeover_is_logged(demo, login_as, admin_ctx, clock, db, captured):
    code = deploy_timed(login_as("designer"))
    dossier = open_dossier(login_as("reception"), code)["code"]
    clock.advance(timedelta(seconds=3))
    [timer_id] = scheduler.claim(admin_ctx, "A", lease_seconds=30, batch=10)
    clock.advance(timedelta(seconds=31))  # A died: its lease runs out
    assert scheduler.claim(admin_ctx, "B", lease_seconds=30, batch=10) == [timer_id]
    [line] = [x for x in captured() if x["message"] == "timer lease taken over"]
    assert (line["job_id"], line["dossier"], line["previous_owner"], line["scheduler"]) == (
        f"timer:{timer_id}", dossier, "A", "B")


def _mail_for_leader(admin_ctx, dossier_code, address):
    from engine.store.dossiers import Dossier
    with unit_of_work(admin_ctx) as session:
        leader = get_user(session, "leader")
        leader.email = address
        dossier = session.scalars(select(Dossier).where(Dossier.code == dossier_code)).one()
        [row] = notify(admin_ctx, [leader], "task.overdue", "Overdue.", dossier=dossier,
                       email=True)
        return row.id


def test_a_failing_e_mail_leaves_a_line_without_the_address(
        household, login_as, admin_ctx, captured, refusing):
    dossier = open_dossier(login_as("reception"), household)["code"]
    notification = _mail_for_leader(admin_ctx, dossier, "lanh.dao@example.vn")
    assert mail.deliver_pending(_with(admin_ctx, refusing)) == 0
    closed = replace(refusing, smtp_port=_free_port())
    admin_ctx.clock.advance(mail.RETRY_AFTER)
    assert mail.deliver_pending(_with(admin_ctx, closed)) == 0
    refused, unreachable = [x for x in captured() if x["message"].startswith("e-mail")]
    for line in (refused, unreachable):
        assert (line["dossier"], line["job_id"]) == (dossier, f"notification:{notification}")
    assert refused["error"].startswith("SMTPRecipientsRefused: {'<email>': (550")
    assert unreachable["error"].startswith("ConnectionRefusedError")
    assert (refused["attempt"], unreachable["attempt"]) == (1, 2)
    assert "lanh.dao" not in json.dumps(captured())


def test_personal_data_never_reaches_the_logs(
        household, login_as, admin_ctx, clock, captured, refusing, monkeypatch):
    reception, officer, leader = login_as("reception"), login_as("officer"), login_as("leader")
    form = {"business_name": "Tiệm Vàng Kim Phượng", "capital": 987_654_321,
            "needs_inspection": False}
    dossier = open_dossier(reception, household, data={"owner_note": "Trần Thị Bích"})
    code = dossier["code"]
    claim_and_complete(reception, dossier["tasks"][0]["id"], form)
    claim_and_complete(officer, open_task(officer, code, "Task_Review")["id"],
                       {"review_note": "Nhà số 7 ngõ Hòe Nhai", "review_outcome": "ok"})
    _mail_for_leader(admin_ctx, code, "ban.lanh.dao@example.vn")

    def broken(ctx, timer, dossier):  # an error that quotes an address is masked too
        raise RuntimeError(f"cannot reach {APPLICANT['email']}")
    monkeypatch.setitem(firing.HANDLERS, "escalation", broken)
    clock.advance(timedelta(days=30))  # every deadline passes: reminders, escalations
    scheduler.run_once(_with(admin_ctx, refusing), "s1")  # notifications by e-mail, refused
    leader.get(f"/api/v1/dossiers/{code}")
    leader.get(f"/api/v1/public/dossiers/{code}")
    written = "\n".join(json.dumps(line, ensure_ascii=False) for line in captured())
    for expected in ("timers fired", "timer failed", "e-mail failed", code, "<email>"):
        assert expected in written
    personal = [*APPLICANT.values(), "Tiệm Vàng Kim Phượng", "987654321", "Trần Thị Bích",
                "Hòe Nhai", "ban.lanh.dao@example.vn", "lanh.dao"]
    assert [value for value in personal if value in written] == []


def test_every_request_has_an_id_echoed_and_on_its_lines(
        household, login_as, client, captured):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    given = reception.get(f"/api/v1/dossiers/{code}", headers={"X-Request-Id": "req-42.a"})
    assert given.headers["X-Request-Id"] == "req-42.a"
    made = client.get("/healthz", headers={"X-Request-Id": "not a sane id; " + "x" * 200})
    assert len(made.headers["X-Request-Id"]) == 32 and made.headers["X-Request-Id"] != "req-42.a"
    lines = {x["request_id"]: x for x in captured() if x["message"] == "request"}
    assert lines["req-42.a"]["dossier"] == code
    assert lines["req-42.a"]["route"] == "/api/v1/dossiers/<code>"
    assert lines["req-42.a"]["status"] == 200
    assert lines[made.headers["X-Request-Id"]]["route"] == "/healthz"
    assert "dossier" not in lines[made.headers["X-Request-Id"]]


def _record(**extra):
    record = logging.LogRecord("motcua.scheduler", logging.WARNING, __file__, 1,
                               "timer failed", (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_and_text_lines():
    with logs.bound(request_id=None, job_id="timer:7", dossier="H22-0001"):
        record = _record(attempt=2, error="RuntimeError: boom")
        logs.ContextFilter().filter(record)
    line = json.loads(logs.formatter("json").format(record))
    assert line == {"time": line["time"], "level": "WARNING", "logger": "motcua.scheduler",
                    "message": "timer failed", "job_id": "timer:7", "dossier": "H22-0001",
                    "attempt": 2, "error": "RuntimeError: boom"}
    assert line["time"].endswith("Z")
    text = logs.formatter("text").format(record)
    assert text.split(" ", 1)[1] == ('WARNING motcua.scheduler [job=timer:7 dossier=H22-0001] '
                                     'timer failed attempt=2 error="RuntimeError: boom"')
    assert logs.current() == {"request_id": None, "job_id": None, "dossier": None}


def test_an_error_is_described_by_its_class_and_first_line():
    error = RuntimeError("duplicate key value\nDETAIL: Key (email)=(an@example.vn)\n"
                         "[parameters: ('Nguyễn Văn An', '001099012345')]")
    assert logs.describe(error) == "RuntimeError: duplicate key value"
    try:
        raise error
    except RuntimeError:
        record = logging.LogRecord("motcua.x", logging.ERROR, __file__, 1, "failed", (),
                                   sys.exc_info())
    for log_format in ("json", "text"):
        written = logs.formatter(log_format).format(record)
        assert "RuntimeError: duplicate key value" in written and "raise error" in written
        assert "Nguyễn" not in written and "example.vn" not in written
