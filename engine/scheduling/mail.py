"""The e-mail outbox: delivering notifications by SMTP after their transaction committed.

Delivery is at-least-once: each message is marked sent in its own unit of work
right after the server accepted it, so a crash between the two sends it again
on the next run. A failure counts an attempt, keeps the error and waits `RETRY_AFTER`; after
`MAX_ATTEMPTS` the notification is left unsent (it still shows in the list).
`deliver_pending` is the work a scheduler job calls; tests call it directly. The
server is `ctx.settings` (`smtp_*`). Each failed send is logged with its dossier
code, its job id (`notification:<id>`) and the error's class and first line,
never the recipient's address or the body.
"""
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from ..kernel import logs
from ..kernel.uow import unit_of_work
from ..store.notifications import Notification
from .notifications import text_of

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 10
ERROR_CHARS = 500
RETRY_AFTER = timedelta(minutes=10)  # a mail server down for a while loses nothing
SENDING_LEASE = timedelta(minutes=5)
log = logs.get("mail")


class _Outgoing(NamedTuple):
    id: int
    to: str
    subject: str
    body: str
    dossier: str | None  # its code, for the logs
    attempts: int  # failed attempts before this one


def deliver_pending(ctx, limit=50) -> int:
    """Send up to `limit` pending e-mails over one connection; how many were sent.
    Without `ctx.settings.smtp_host` e-mail is off and nothing is done."""
    settings = ctx.settings
    if not settings.smtp_host:
        return 0
    batch = _pending(ctx, limit)
    if not batch:
        return 0
    try:
        connection = _connect(settings)
    except OSError as exc:  # smtplib's errors are OSErrors too
        _record(ctx, [item.id for item in batch], exc)
        _log_failures(batch, exc)
        return 0
    try:
        return _send_batch(ctx, connection, batch, settings.smtp_from)
    finally:
        _close(connection)


def _pending(ctx, limit) -> list[_Outgoing]:
    """Claim a batch: other schedulers skip it until `SENDING_LEASE` has passed, so
    one e-mail is sent by one process (again only if that one died sending)."""
    with unit_of_work(ctx) as session:
        rows = list(session.scalars(
            select(Notification).options(selectinload(Notification.dossier))
            .where(Notification.email_to.is_not(None), Notification.emailed_at.is_(None),
                   Notification.email_attempts < MAX_ATTEMPTS,
                   or_(Notification.email_next_at.is_(None),
                       Notification.email_next_at <= ctx.now()))
            .order_by(Notification.at, Notification.id).limit(limit)
            .with_for_update(skip_locked=True, of=Notification)))
        batch = [_Outgoing(row.id, row.email_to, _subject(row), text_of(row),
                           row.dossier.code if row.dossier is not None else None,
                           row.email_attempts) for row in rows]
        for row in rows:
            row.email_next_at = ctx.now() + SENDING_LEASE
    return batch


def _subject(notification) -> str:
    if notification.dossier is None:
        return f"[motcua] {notification.type}"
    return f"[motcua] {notification.type}: {notification.dossier.code}"


def _message(item, sender) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = item.subject
    message["From"] = sender or "motcua@localhost"
    message["To"] = item.to
    # quoted-printable keeps the UTF-8 body 7-bit clean for servers without 8BITMIME
    message.set_content(item.body, charset="utf-8", cte="quoted-printable")
    return message


def _connect(settings) -> smtplib.SMTP:
    connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
    try:
        if settings.smtp_starttls:
            connection.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            connection.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def _send_batch(ctx, connection, batch, sender) -> int:
    sent = 0
    for item in batch:
        try:
            connection.send_message(_message(item, sender))
        except (OSError, ValueError) as exc:  # ValueError: an address that cannot be sent
            _record(ctx, [item.id], exc)
            _log_failures([item], exc)
            if _connection_lost(exc):
                break  # the rest were not tried: they keep their attempts for the next run
            continue
        _record(ctx, [item.id])
        with logs.bound(job_id=f"notification:{item.id}", dossier=item.dossier):
            log.debug("e-mail sent")
        sent += 1
    return sent


def _log_failures(items, error) -> None:
    """One line per e-mail not sent: its job id, dossier code, attempt and the error
    (class and first line, addresses masked: refusals quote the recipient)."""
    for item in items:
        attempt = item.attempts + 1
        with logs.bound(job_id=f"notification:{item.id}", dossier=item.dossier):
            log.log(logging.ERROR if attempt >= MAX_ATTEMPTS else logging.WARNING,
                    "e-mail not sent" if attempt >= MAX_ATTEMPTS else "e-mail failed",
                    extra={"error": logs.describe(error), "attempt": attempt,
                           "max_attempts": MAX_ATTEMPTS,
                           "retry_in_seconds": None if attempt >= MAX_ATTEMPTS
                           else int(RETRY_AFTER.total_seconds())})


def _connection_lost(exc) -> bool:
    return isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(
        exc, (smtplib.SMTPException, ValueError))


def _record(ctx, ids, error=None) -> None:
    """Mark `ids` sent, or count a failed attempt with its error."""
    if error is None:
        values = {"emailed_at": ctx.now(), "email_error": None}
    else:
        text = f"{type(error).__name__}: {error}"[:ERROR_CHARS]
        values = {"email_attempts": Notification.email_attempts + 1, "email_error": text,
                  "email_next_at": ctx.now() + RETRY_AFTER}
    with unit_of_work(ctx) as session:
        session.execute(update(Notification).where(Notification.id.in_(ids)).values(**values)
                        .execution_options(synchronize_session=False))


def _close(connection) -> None:
    try:
        connection.quit()
    except OSError:
        connection.close()
