"""Routes for authentication, logging out, passwords, the current user, users
and units."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import people
from engine.store.people import ROLES
from engine.throttle import Throttled

from .auth import (client_address, context, current_token, issue_token, public_context,
                   throttled_problem, wall_now)
from .fields import PageArgs, page_schema

blp = Blueprint("people", __name__, description="Authentication, users and units")
blp.app_errorhandler(Throttled)(throttled_problem)  # 429 with Retry-After, app-wide

PASSWORD = validate.Length(min=8, max=200)


class TokenIn(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True)


class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class UnitIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    parent = fields.String(load_default=None, allow_none=True)
    agency_code = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=32))


class UnitOut(Schema):
    code = fields.String()
    name = fields.String()
    parent = fields.Function(lambda unit: unit.parent.code if unit.parent else None)
    agency_code = fields.String(allow_none=True)


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
    roles = fields.List(fields.String())
    units = fields.Function(lambda user: [unit.code for unit in user.units])


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
def token(body):
    """Failed logins are throttled per username and per address (429, Retry-After)."""
    ctx = public_context()
    return issue_token(people.log_in(ctx, body["username"], body["password"],
                                     client_address(), wall_now()))


@blp.post("/auth/logout")
@blp.response(204)
def logout():
    """This token stops working."""
    ctx, claims = context(), current_token()
    people.log_out(ctx, claims["jti"], claims["expires_at"], wall_now())


@blp.get("/me")
@blp.response(200, UserOut)
def me():
    ctx = context()
    return people.get_user(ctx.session, ctx.actor.username)


@blp.post("/me/password")
@blp.arguments(PasswordIn)
@blp.response(204)
def change_password(body):
    """Every token issued before, this one included, stops working."""
    people.change_password(context(), body["current"], body["new"], client_address(),
                           wall_now())


@blp.patch("/users/<username>")
@blp.arguments(UserPatch)
@blp.response(200, UserAdminOut)
def update_user(body, username):
    """Deactivating a user or setting a password revokes the user's tokens."""
    return people.update_user(context(), username, **body)


@blp.post("/users")
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def create_user(body):
    return people.create_user(context(), **body)


@blp.get("/users")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(UserAdminOut, "UserPage"))
def list_users(args):
    return people.list_users(context(), **args)


@blp.post("/units")
@blp.arguments(UnitIn)
@blp.response(201, UnitOut)
def create_unit(body):
    return people.create_unit(context(), **body)


@blp.get("/units")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(UnitOut, "UnitPage"))
def list_units(args):
    return people.list_units(context(), **args)
