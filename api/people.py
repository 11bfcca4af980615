"""Routes for authentication, the current user, users and units."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import people
from engine.store.people import ROLES

from .auth import context, issue_token, public_context
from .fields import PageArgs, page_schema

blp = Blueprint("people", __name__, description="Authentication, users and units")


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
    password = fields.String(required=True, validate=validate.Length(min=8, max=200))
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


@blp.post("/auth/token")
@blp.doc(security=[])
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
def token(body):
    ctx = public_context()
    return issue_token(people.authenticate(ctx.session, body["username"], body["password"]))


@blp.get("/me")
@blp.response(200, UserOut)
def me():
    ctx = context()
    return people.get_user(ctx.session, ctx.actor.username)


@blp.post("/users")
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def create_user(body):
    return people.create_user(context(), **body)


@blp.get("/users")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(UserOut, "UserPage"))
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
