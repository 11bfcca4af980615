"""Routes for authentication, logging out, passwords, the current user, users
and units."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.people import directory
from engine.people.directory import ROLES
from engine.people.functions import FUNCTION
from engine.people.throttle import Throttled

from .auth import (client_address, context, current_token, issue_token, public_context,
                   throttled_problem, wall_now)
from .fields import PageArgs, page_schema
from .openapi import problems

blp = Blueprint("people", __name__, description="Authentication, users and units")
blp.app_errorhandler(Throttled)(throttled_problem)  # 429 with Retry-After, app-wide

PASSWORD = validate.Length(min=8, max=200)
FUNCTION_RULES = [validate.Length(max=64), validate.Regexp(FUNCTION)]
FUNCTION_TEXT = ("The part it plays inside its agency (`desk`, `civil_status`, `leader`, "
                 "...): what `@function` lanes resolve to")


class TokenIn(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True)


class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String(validate=validate.OneOf(("Bearer",)))
    expires_in = fields.Integer(metadata={"description": "Seconds until the token expires"})


class UnitIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    parent = fields.String(load_default=None, allow_none=True)
    agency_code = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=32))
    function = fields.String(load_default=None, allow_none=True, validate=FUNCTION_RULES,
                             metadata={"description": FUNCTION_TEXT})


class UnitFunctionIn(Schema):
    function = fields.String(required=True, allow_none=True, validate=FUNCTION_RULES,
                             metadata={"description": FUNCTION_TEXT + "; null: none"})


class UnitOut(Schema):
    code = fields.String()
    name = fields.String()
    parent = fields.Function(lambda unit: unit.parent.code if unit.parent else None,
                             allow_none=True, metadata={"type": "string"})
    agency_code = fields.String(allow_none=True)
    function = fields.String(allow_none=True)


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{2,64}$"))
    password = fields.String(required=True, validate=PASSWORD)
    full_name = fields.String(load_default="")
    email = fields.Email(load_default=None, allow_none=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list)
    units = fields.List(fields.String(), load_default=list)


class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    email = fields.String(allow_none=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)))
    units = fields.Pluck(UnitOut, "code", many=True)


class UserAdminOut(UserOut):
    active = fields.Boolean()


class UserPatch(Schema):
    """Only the fields given change."""
    full_name = fields.String(validate=validate.Length(max=255))
    email = fields.Email(allow_none=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)))
    units = fields.List(fields.String())
    active = fields.Boolean()
    password = fields.String(validate=PASSWORD)


class PasswordIn(Schema):
    current = fields.String(required=True, validate=validate.Length(max=200))
    new = fields.String(required=True, validate=PASSWORD)


@blp.post("/auth/token")
@blp.doc(security=[])
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@problems((401, "Wrong username or password, or the account is disabled"),
          (429, "Too many failed logins for this username or from this address"))
def token(body):
    """Log in: a bearer token

    Send it as `Authorization: Bearer <token>` until it expires (`expires_in`
    seconds) or is revoked. Failed logins are throttled per username and per
    address (429 with Retry-After)."""
    ctx = public_context()
    return issue_token(directory.log_in(ctx, body["username"], body["password"],
                                        client_address(), wall_now()))


@blp.post("/auth/logout")
@blp.response(204)
def logout():
    """Log out: this token stops working

    Only the token sent is revoked; the user's other tokens keep working."""
    ctx, claims = context(), current_token()
    directory.log_out(ctx, claims["jti"], claims["expires_at"], wall_now())


@blp.get("/me")
@blp.response(200, UserOut)
def me():
    """The current user

    The token's user: username, full name, e-mail, roles and unit codes."""
    ctx = context()
    return directory.get_user(ctx.session, ctx.actor.username)


@blp.post("/me/password")
@blp.arguments(PasswordIn)
@blp.response(204)
@problems((422, "Invalid input, or `current` is not the caller's password (counted as a "
                "failed login)"),
          (429, "Too many failed logins for this user or from this address"))
def change_password(body):
    """Change one's own password

    `current` is the password now, `new` the one to use (8 to 200 characters).
    Every token issued before, this one included, stops working."""
    directory.change_password(context(), body["current"], body["new"], client_address(),
                              wall_now())


@blp.patch("/users/<username>")
@blp.arguments(UserPatch)
@blp.response(200, UserAdminOut)
@problems(403, (404, "No such user"),
          (409, "The change would leave no active administrator"),
          (422, "Invalid input: an unknown role or unit, a short password"))
def update_user(body, username):
    """Change a user (administrators)

    Only the fields given change. Deactivating a user or setting a password
    revokes the user's tokens; the last active administrator can be neither
    deactivated nor stripped of the role."""
    return directory.update_user(context(), username, **body)


@blp.post("/users")
@blp.arguments(UserIn)
@blp.response(201, UserOut)
@problems(403, (409, "A user of this name (in any case) exists"),
          (422, "Invalid input: an unknown role or unit, a short password"))
def create_user(body):
    """Create a user (administrators)

    With a password, roles (`admin`, `designer`, `reception`, `officer`,
    `leader`, `supervisor`) and the codes of the user's units."""
    return directory.create_user(context(), **body)


@blp.get("/users")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(UserAdminOut, "UserPage"))
@problems(403)
def list_users(args):
    """List users (administrators)

    By username, paginated; with whether each is active."""
    return directory.list_users(context(), **args)


@blp.post("/units")
@blp.arguments(UnitIn)
@blp.response(201, UnitOut)
@problems(403, (409, "A unit of this code exists"),
          (422, "Invalid input: a code that is a role name, an unknown parent, "
                "a function that is not an identifier"))
def create_unit(body):
    """Create a unit (administrators)

    A unit of the organisation: its code (used in lanes and candidate groups),
    name, parent unit, agency code (dossier codes use the receiving unit's, or
    its nearest ancestor's) and function (what `@function` lanes name)."""
    return directory.create_unit(context(), **body)


@blp.patch("/units/<code>")
@blp.arguments(UnitFunctionIn)
@blp.response(200, UnitOut)
@problems(403, (404, "No such unit"),
          (422, "Invalid input: a function that is not an identifier"))
def set_unit_function(body, code):
    """Change a unit's function (administrators)

    The part the unit plays inside its agency (`desk`, `civil_status`,
    `leader`, ...), or null for none: what `@function` lanes resolve to for
    the steps opened from now on."""
    return directory.set_function(context(), code, body["function"])


@blp.get("/units")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(UnitOut, "UnitPage"))
@problems(403)
def list_units(args):
    """List units (administrators)

    By code, paginated."""
    return directory.list_units(context(), **args)
