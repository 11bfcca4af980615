"""Units, users, passwords and the revocation of tokens (not token transport).

Logging in is throttled per username and per address (`engine.people.throttle`):
only failures are counted. A user's token generation moves on when the
password changes or an admin deactivates the user or sets a password, and
every token of an earlier generation stops working; a logged-out token is
kept as revoked until it would have expired. The instants given here are the
wall clock's, which authentication follows.
"""
from datetime import timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..kernel import events
from ..kernel.context import Actor
from ..kernel.errors import Conflict, Invalid, NotFound, Unauthorized
from ..kernel.queries import paginate
from ..kernel.uow import unit_of_work
from ..store.people import ROLES, RevokedToken, Unit, User, UserRole
from . import throttle
from .access import require_role
from .functions import check_function

TOO_MANY = "Too many failed logins; retry later."


def needs_admin(session, username) -> bool:
    """No administrator yet, and no user `username` (the start-up bootstrap)."""
    if session.scalar(select(UserRole.user_id).where(UserRole.role == "admin").limit(1)):
        return False
    return session.scalar(select(User.id).where(User.username == username)) is None


def create_unit(ctx, code, name, parent=None, agency_code=None, function=None) -> Unit:
    require_role(ctx.actor, "admin")
    if code in ROLES:
        raise Invalid("A unit code may not be a role name.",
                      [{"field": "code", "message": f"'{code}' is a role"}])
    check_function(function)
    with unit_of_work(ctx) as session:
        if session.scalar(select(Unit.id).where(Unit.code == code)):
            raise Conflict(f"Unit {code} already exists.")
        parent_unit = _unit(session, parent, field="parent") if parent else None
        unit = Unit(code=code, name=name, parent=parent_unit, agency_code=agency_code,
                    function=function)
        session.add(unit)
        session.flush()
        events.record(ctx, "unit.created", stream=f"unit:{code}",
                      detail={"code": code, "parent": parent, "function": function})
    return unit


def set_function(ctx, code, function) -> Unit:
    """Give a unit the part it plays in its agency (`@function` lanes resolve to it)."""
    require_role(ctx.actor, "admin")
    check_function(function)
    with unit_of_work(ctx) as session:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise NotFound(f"No unit {code}.")
        before, unit.function = unit.function, function
        events.record(ctx, "unit.function_set", stream=f"unit:{code}",
                      detail={"code": code, "from": before, "to": function})
    return unit


def list_units(ctx, page=1, per_page=50) -> dict:
    require_role(ctx.actor, "admin")
    return paginate(ctx.session, select(Unit).order_by(Unit.code), page, per_page)


def create_user(ctx, username, password, full_name="", roles=(), units=(), email=None) -> User:
    require_role(ctx.actor, "admin")
    bad = sorted(set(roles) - set(ROLES))
    if bad:
        raise Invalid("Unknown roles.", [{"field": "roles", "message": f"unknown: {bad}"}])
    with unit_of_work(ctx) as session:
        if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
            raise Conflict(f"User {username} already exists.")
        user = User(username=username,
                    password_hash=_hash(ctx, password),
                    full_name=full_name, email=email, created_at=ctx.now(),
                    units=[_unit(session, code, field="units") for code in dict.fromkeys(units)],
                    role_rows=[UserRole(role=role) for role in sorted(set(roles))])
        session.add(user)
        session.flush()
        events.record(ctx, "user.created", stream=f"user:{username}",
                      detail={"username": username, "roles": sorted(roles), "units": list(units)})
    return user


def list_users(ctx, page=1, per_page=50) -> dict:
    require_role(ctx.actor, "admin")
    return paginate(ctx.session, select(User).order_by(User.username), page, per_page)


_DUMMY_HASH = generate_password_hash("an unguessable placeholder")


def authenticate(session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    # Check a hash even for unknown names, so timing does not reveal which exist.
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not user.active or not valid:
        raise Unauthorized("Wrong username or password.")
    return user


def log_in(ctx, username: str, password: str, address: str, now) -> User:
    """The user with these credentials; past the limits of failures per username
    or per address, a caller waits (429). Attempts on a username are counted
    before the password is checked (given back when it was right), so attempts
    arriving at once get no further than the limit; the address's count is of
    failures only, so many people logging in behind one address never use it."""
    settings, window = ctx.settings, _login_window(ctx.settings)
    user_limit = {("login_user", username.lower()): settings.login_failures_per_user}
    address_limit = {("login_address", address): settings.login_failures_per_address}
    throttle.blocked(ctx.session, address_limit, now, TOO_MANY)
    throttle.take(ctx, user_limit, window, now, TOO_MANY)
    try:
        user = authenticate(ctx.session, username, password)
    except Unauthorized:
        throttle.hit(ctx, address_limit, window, now)
        raise
    throttle.give_back(ctx, user_limit, now)
    return user


def _login_window(settings) -> timedelta:
    return timedelta(seconds=settings.login_window_seconds)


def actor_for(session, user_id: int, generation: int | None = None,
              jti: str | None = None) -> Actor:
    """The acting user of a token: the user's row and whether the token was
    logged out come in one query."""
    revoked = select(RevokedToken.jti).where(RevokedToken.jti == (jti or "")).exists()
    row = session.execute(select(User, revoked).where(User.id == user_id)).first()
    user, logged_out = row if row is not None else (None, False)
    if user is None or not user.active:
        raise Unauthorized("The account no longer exists or is disabled.")
    if logged_out or (generation is not None and generation != user.token_generation):
        raise Unauthorized("The token has been revoked; request a new one.")
    return Actor(username=user.username, id=user.id, roles=frozenset(user.roles),
                 unit_codes=tuple(unit.code for unit in user.units))


def log_out(ctx, jti: str, expires_at, now):
    """Revoke one token; tokens revoked earlier and expired since are forgotten."""
    with unit_of_work(ctx) as session:
        session.execute(delete(RevokedToken).where(RevokedToken.expires_at <= now))
        session.add(RevokedToken(jti=jti, expires_at=expires_at))


def change_password(ctx, current: str, new: str, address: str, now):
    """The caller's own password; every token issued before stops working. A wrong
    current password counts as a failed login."""
    settings, window = ctx.settings, _login_window(ctx.settings)
    user_limit = {("login_user", ctx.actor.username.lower()): settings.login_failures_per_user}
    address_limit = {("login_address", address): settings.login_failures_per_address}
    throttle.blocked(ctx.session, address_limit, now, TOO_MANY)
    throttle.take(ctx, user_limit, window, now, TOO_MANY)
    user = ctx.session.get(User, ctx.actor.id)
    if user is None or not check_password_hash(user.password_hash, current):
        throttle.hit(ctx, address_limit, window, now)
        raise Invalid("The current password is wrong.",
                      [{"field": "current", "message": "not your current password"}])
    with unit_of_work(ctx) as session:
        user = session.get(User, ctx.actor.id)
        _set_password(ctx, user, new)
        events.record(ctx, "user.password_changed", stream=f"user:{user.username}")
    throttle.give_back(ctx, user_limit, now)


def update_user(ctx, username, **changes) -> User:
    """An admin's change of a user: `full_name`, `email`, `roles`, `units`, `active`,
    `password`. Deactivating or setting a password revokes the user's tokens; the
    last active admin can be neither deactivated nor stripped of the role."""
    require_role(ctx.actor, "admin")
    bad = sorted(set(changes.get("roles") or ()) - set(ROLES))
    if bad:
        raise Invalid("Unknown roles.", [{"field": "roles", "message": f"unknown: {bad}"}])
    with unit_of_work(ctx) as session:
        user = get_user(session, username)
        _keep_an_admin(session, user, changes)
        _apply(ctx, session, user, changes)
        detail = {key: value for key, value in changes.items() if key != "password"}
        if "password" in changes:
            detail["password"] = "set"
        events.record(ctx, "user.updated", stream=f"user:{user.username}", detail=detail)
    return user


def _apply(ctx, session, user, changes):
    for name in ("full_name", "email"):
        if name in changes:
            setattr(user, name, changes[name])
    if "roles" in changes:
        kept = {row.role: row for row in user.role_rows}  # same rows: no delete + insert
        user.role_rows = [kept.get(role) or UserRole(role=role)
                          for role in sorted(set(changes["roles"]))]
    if "units" in changes:
        user.units = [_unit(session, code, field="units")
                      for code in dict.fromkeys(changes["units"])]
    if "active" in changes and changes["active"] != user.active:
        user.active = changes["active"]
        if not user.active:
            user.token_generation += 1
    if "password" in changes:
        _set_password(ctx, user, changes["password"])


def _hash(ctx, password) -> str:
    return generate_password_hash(password, ctx.settings.password_hash_method)


def _set_password(ctx, user, password):
    user.password_hash = _hash(ctx, password)
    user.token_generation += 1  # every token issued before stops working


def _keep_an_admin(session, user, changes):
    leaves = changes.get("active") is False or (
        "roles" in changes and "admin" not in changes["roles"])
    if not (leaves and user.active and "admin" in user.roles):
        return
    others = session.scalar(select(func.count()).select_from(User).join(UserRole).where(
        UserRole.role == "admin", User.active.is_(True), User.id != user.id))
    if not others:
        raise Conflict("This is the last active administrator.")


def get_user(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"No user {username}.")
    return user


def _unit(session, code, field) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise Invalid(f"No unit {code}.", [{"field": field, "message": f"no unit {code}"}])
    return unit


def agency_code_of(unit: Unit) -> str | None:
    """The unit's agency code, or its nearest ancestor's."""
    while unit is not None:
        if unit.agency_code:
            return unit.agency_code
        unit = unit.parent
    return None


def unit_names(session, codes) -> dict[str, str]:
    """The names of the units `codes`, by code (for headers and lists)."""
    if not codes:
        return {}
    rows = session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(list(codes))))
    return {code: name for code, name in rows}
