"""Notifying users, and reading and marking their notifications.

`notify` runs inside another service's unit of work (the escalation rungs and
the like): it only adds and flushes. A notification says the catalogue's message
for its type with its `params` (names, codes, ISO instants), written in the
reader's language when read (`api.presentation`), or else free text. `text_of`
gives what it says outside a request (e-mail), through the renderer the web
layer installs (`use_renderer`). The e-mail a notification asks for is
sent later, after that transaction committed, by `engine.scheduling.mail`. Reading and
marking concern the current user's own notifications only.
"""
from sqlalchemy import select, update

from ..kernel.errors import NotFound
from ..kernel.queries import paginate
from ..kernel.uow import unit_of_work
from ..store.notifications import Notification
from ..store.people import Unit, User, UserRole


def notify(ctx, users, type_, message="", *, params=None, dossier=None, task_id=None,
           timer_id=None, email=False) -> list[Notification]:
    """One notification per distinct active user, returning the new ones.

    A user who already has one of this type for the same dossier, task and
    timer gets none: a rung run again must not repeat itself, while a later
    rung (a new due time) notifies again.
    """
    targets = {user.id: user for user in users if user.active}
    already = _already_notified(ctx.session, targets, type_, dossier, task_id, timer_id)
    now = ctx.now()
    created = [Notification(user=user, type=type_, at=now, dossier=dossier, task_id=task_id,
                            timer_id=timer_id, message=message, params=params,
                            email_attempts=0,
                            email_to=user.email if email and user.email else None)
               for user_id, user in targets.items() if user_id not in already]
    ctx.session.add_all(created)
    ctx.session.flush()
    return created


_renderer = None  # (type, params) -> text, installed by the web layer at start-up


def use_renderer(render) -> None:
    """Install how a notification's message and parameters become text outside a request."""
    global _renderer
    _renderer = render


def text_of(notification) -> str:
    """What a notification says, for e-mail: its free text, or its message written
    by the installed renderer (without one, its type and parameters)."""
    params = notification.params
    if params is None:
        return notification.message
    if _renderer is None:
        return f"{notification.type}: " + ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
    return _renderer(notification.type, params)


def _already_notified(session, user_ids, type_, dossier, task_id, timer_id) -> set[int]:
    if not user_ids:
        return set()
    dossier_id = dossier.id if dossier is not None else None
    return set(session.scalars(select(Notification.user_id).where(
        Notification.user_id.in_(list(user_ids)), Notification.type == type_,
        _same(Notification.dossier_id, dossier_id), _same(Notification.task_id, task_id),
        _same(Notification.timer_id, timer_id))))


def _same(column, value):
    return column.is_(None) if value is None else column == value


def users_for(session, unit_codes, role) -> list[User]:
    """Active users holding `role` who belong to any of `unit_codes`."""
    return list(session.scalars(select(User).where(
        User.active.is_(True), User.role_rows.any(UserRole.role == role),
        User.units.any(Unit.code.in_(list(unit_codes)))).order_by(User.username)))


def list_notifications(ctx, page=1, per_page=50, unread=None) -> dict:
    """The current user's notifications, newest first; `unread` filters when given."""
    query = select(Notification).where(Notification.user_id == ctx.actor.id)
    if unread is not None:
        query = query.where(_unread() if unread else Notification.read_at.is_not(None))
    query = query.order_by(Notification.at.desc(), Notification.id.desc())
    return paginate(ctx.session, query, page, per_page)


def mark_read(ctx, notification_id) -> Notification:
    """Mark one of the current user's notifications read; the first reading time stays."""
    with unit_of_work(ctx) as session:
        notification = session.get(Notification, notification_id)
        if notification is None or notification.user_id != ctx.actor.id:
            raise NotFound(f"No notification {notification_id}.")
        if notification.read_at is None:
            notification.read_at = ctx.now()
    return notification


def mark_all_read(ctx) -> int:
    """Mark every unread notification of the current user read; how many were."""
    with unit_of_work(ctx) as session:
        result = session.execute(
            update(Notification).where(Notification.user_id == ctx.actor.id, _unread())
            .values(read_at=ctx.now()).execution_options(synchronize_session=False))
    return result.rowcount


def _unread():
    return Notification.read_at.is_(None)
