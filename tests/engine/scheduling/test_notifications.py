"""Notifying users (one row per active user, never twice) and the SMTP outbox."""
import asyncio
import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.dossier import intake
from engine.scheduling import mail
from engine.kernel.context import Ctx
from engine.kernel.errors import NotFound
from engine.scheduling.notifications import mark_read, notify, users_for
from engine.people.directory import actor_for, get_user
from engine.kernel.settings import Settings
from engine.store.notifications import Notification
from engine.kernel.uow import unit_of_work

BODY = "Hồ sơ đã quá hạn xử lý; đề nghị lãnh đạo đôn đốc."


def _notify(ctx, names, type_="task.overdue", message=BODY, **kwargs):
    with unit_of_work(ctx) as session:
        users = [get_user(session, name) for name in names]
        return [row.id for row in notify(ctx, users, type_, message, **kwargs)]


def _update_user(ctx, username, **values):
    with unit_of_work(ctx) as session:
        user = get_user(session, username)
        for name, value in values.items():
            setattr(user, name, value)


def _ctx(admin_ctx, username):
    user = get_user(admin_ctx.session, username)
    return Ctx(admin_ctx.session, admin_ctx.clock, actor_for(admin_ctx.session, user.id),
               settings=admin_ctx.settings)


def _with(ctx, settings):
    """`ctx` with these settings (the SMTP server)."""
    return Ctx(ctx.session, ctx.clock, ctx.actor, settings=settings)


def _rows(db):
    db.expire_all()
    return list(db.scalars(select(Notification).order_by(Notification.id)))


def test_one_notification_per_distinct_active_user(demo, admin_ctx, db, clock):
    _update_user(admin_ctx, "officer2", active=False)
    assert len(_notify(admin_ctx, ["leader", "leader", "officer", "officer2"])) == 2
    rows = _rows(db)
    assert sorted(row.user.username for row in rows) == ["leader", "officer"]
    assert all(row.at == clock.now() and row.read_at is None and row.message == BODY
               for row in rows)


def test_notify_only_adds_to_the_callers_transaction(demo, admin_ctx, db):
    with pytest.raises(RuntimeError), unit_of_work(admin_ctx) as session:
        notify(admin_ctx, [get_user(session, "leader")], "task.overdue", BODY)
        raise RuntimeError("the calling service failed")
    assert _rows(db) == []


def test_a_rerun_rung_notifies_nobody_twice(demo, admin_ctx, db):
    assert len(_notify(admin_ctx, ["leader"], task_id="t1")) == 1
    assert _notify(admin_ctx, ["leader"], task_id="t1") == []
    assert len(_notify(admin_ctx, ["leader", "supervisor"], task_id="t1")) == 1
    assert len(_notify(admin_ctx, ["leader"], task_id="t2")) == 1
    assert len(_notify(admin_ctx, ["leader"], type_="task.escalated", task_id="t1")) == 1
    assert len(_notify(admin_ctx, ["leader"])) == 1
    assert _notify(admin_ctx, ["leader"]) == []
    assert len(_rows(db)) == 5


def test_email_only_when_asked_and_known(demo, admin_ctx, db):
    _update_user(admin_ctx, "leader", email="lanh.dao@example.vn")
    _notify(admin_ctx, ["leader", "officer"], email=True)
    _notify(admin_ctx, ["leader"], type_="task.due_soon")
    assert [(row.user.username, row.type, row.email_to) for row in _rows(db)] == [
        ("leader", "task.overdue", "lanh.dao@example.vn"), ("officer", "task.overdue", None),
        ("leader", "task.due_soon", None)]


def test_mark_read_keeps_the_first_time_and_is_the_owners(demo, admin_ctx, clock):
    [note] = _notify(admin_ctx, ["leader"])
    leader = _ctx(admin_ctx, "leader")
    first = mark_read(leader, note).read_at
    clock.advance(timedelta(hours=1))
    assert mark_read(leader, note).read_at == first == clock.now() - timedelta(hours=1)
    with pytest.raises(NotFound):
        mark_read(_ctx(admin_ctx, "officer"), note)


def test_users_for_finds_role_holders_of_the_units(demo, admin_ctx, db):
    def names(codes, role):
        return [user.username for user in users_for(db, codes, role)]

    assert names(["UBND.PHUHOI.LD"], "leader") == ["leader", "phuhoi_chutich"]
    assert names(["UBND.PHUHOI.KT", "STP"], "leader") == []
    assert names(["UBND.PHUHOI"], "leader") == ["leader", "phuhoi_chutich"]
    assert names(["UBND.PHUHOI.LD", "UBND"], "supervisor") == ["supervisor"]
    assert names(["UBND.PHUHOI.KT"], "officer") == ["officer", "officer2", "phuhoi_kinhte"]
    _update_user(admin_ctx, "officer2", active=False)
    assert names(["UBND.PHUHOI.KT"], "officer") == ["officer", "phuhoi_kinhte"]
    assert names([], "leader") == []


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses 'refused@' addresses."""

    def __init__(self):
        self.received, self.delay = [], 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused@"):
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)  # a slow server widens any race between senders
        self.received.append((envelope.rcpt_tos,
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.settings = Settings(smtp_host="127.0.0.1", smtp_port=controller.port,
                                smtp_from="motcua@tinh.vn")
    yield handler
    controller.stop()


def _dossier(admin_ctx, household):
    return intake.open_dossier(_ctx(admin_ctx, "reception"), household,
                               {"name": "Nguyễn Văn An"}, "direct", handling_unit="UBND.PHUHOI")


def test_pending_mail_is_sent_once_oldest_first(household, admin_ctx, db, clock, inbox):
    dossier = _dossier(admin_ctx, household)
    _update_user(admin_ctx, "leader", email="lanh.dao@example.vn")
    _update_user(admin_ctx, "supervisor", email="giam.sat@example.vn")
    _notify(admin_ctx, ["leader", "officer"], dossier=dossier, email=True)
    clock.advance(timedelta(minutes=5))
    _notify(admin_ctx, ["supervisor"], type_="task.escalated", email=True)
    assert mail.deliver_pending(_with(admin_ctx, inbox.settings), limit=1) == 1
    recipients, message = inbox.received[0]
    assert recipients == ["lanh.dao@example.vn"]
    assert message["Subject"] == f"[motcua] task.overdue: {dossier.code}"
    assert message["From"] == "motcua@tinh.vn"
    assert message.get_content_charset() == "utf-8" and message.get_content().strip() == BODY
    assert mail.deliver_pending(_with(admin_ctx, inbox.settings)) == 1
    assert inbox.received[1][1]["Subject"].strip() == "[motcua] task.escalated"
    assert mail.deliver_pending(_with(admin_ctx, inbox.settings)) == 0 and len(inbox.received) == 2
    assert [row.emailed_at for row in _rows(db) if row.email_to] == [clock.now()] * 2


def test_a_refused_recipient_does_not_stop_the_batch(demo, admin_ctx, db, inbox):
    _update_user(admin_ctx, "leader", email="refused@example.vn")
    _update_user(admin_ctx, "supervisor", email="giam.sat@example.vn")
    _notify(admin_ctx, ["leader", "supervisor"], email=True)
    assert mail.deliver_pending(_with(admin_ctx, inbox.settings)) == 1
    refused, delivered = _rows(db)
    assert refused.emailed_at is None and refused.email_attempts == 1
    assert "SMTPRecipientsRefused" in refused.email_error
    assert delivered.emailed_at is not None and delivered.email_error is None


def test_an_unreachable_server_counts_attempts_up_to_the_limit(demo, admin_ctx, db):
    _update_user(admin_ctx, "leader", email="lanh.dao@example.vn")
    _notify(admin_ctx, ["leader"], email=True)
    closed = Settings(smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_from="motcua@tinh.vn")
    assert mail.deliver_pending(_with(admin_ctx, closed)) == 0
    [row] = _rows(db)
    assert (row.email_attempts, row.emailed_at) == (1, None)
    assert row.email_error.startswith("ConnectionRefusedError")
    mail.deliver_pending(_with(admin_ctx, closed))  # too soon: it waits before trying again
    assert _rows(db)[0].email_attempts == 1
    for _ in range(mail.MAX_ATTEMPTS + 1):
        admin_ctx.clock.advance(mail.RETRY_AFTER)
        mail.deliver_pending(_with(admin_ctx, closed))
    assert _rows(db)[0].email_attempts == mail.MAX_ATTEMPTS


def test_without_a_host_mail_is_off(demo, admin_ctx, db):
    _update_user(admin_ctx, "leader", email="lanh.dao@example.vn")
    _notify(admin_ctx, ["leader"], email=True)
    assert mail.deliver_pending(_with(admin_ctx, Settings(smtp_host=None))) == 0
    assert mail.deliver_pending(admin_ctx) == 0
    [row] = _rows(db)
    assert (row.email_attempts, row.emailed_at, row.email_error) == (0, None, None)


def test_two_schedulers_send_one_mail_once(demo, admin_ctx, db, inbox):
    from sqlalchemy.orm import Session
    _update_user(admin_ctx, "leader", email="lanh.dao@example.vn")
    _notify(admin_ctx, ["leader"], email=True)
    inbox.delay, barrier, sent = 0.3, threading.Barrier(2), []

    def send():
        with Session(bind=db.get_bind()) as session:
            ctx = Ctx(session, admin_ctx.clock, admin_ctx.actor, settings=inbox.settings)
            barrier.wait()
            sent.append(mail.deliver_pending(ctx))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 1] and len(inbox.received) == 1
