"""Units, users and authentication of passwords (not token transport)."""
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import events
from .access import require_role
from .context import Actor
from .errors import Conflict, Invalid, NotFound, Unauthorized
from .queries import paginate
from .store.people import ROLES, Unit, User, UserRole
from .uow import unit_of_work

PASSWORD_HASH_METHOD = "scrypt"  # set from the configuration at start-up


def create_unit(ctx, code, name, parent=None, agency_code=None) -> Unit:
    require_role(ctx.actor, "admin")
    if code in ROLES:
        raise Invalid("A unit code may not be a role name.",
                      [{"field": "code", "message": f"'{code}' is a role"}])
    with unit_of_work(ctx) as session:
        if session.scalar(select(Unit.id).where(Unit.code == code)):
            raise Conflict(f"Unit {code} already exists.")
        parent_unit = _unit(session, parent, field="parent") if parent else None
        unit = Unit(code=code, name=name, parent=parent_unit, agency_code=agency_code)
        session.add(unit)
        session.flush()
        events.record(ctx, "unit.created", stream=f"unit:{code}",
                      detail={"code": code, "parent": parent})
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
                    password_hash=generate_password_hash(password, PASSWORD_HASH_METHOD),
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


def actor_for(session, user_id: int) -> Actor:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthorized("The account no longer exists or is disabled.")
    return Actor(username=user.username, id=user.id, roles=frozenset(user.roles),
                 unit_codes=tuple(unit.code for unit in user.units))


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
