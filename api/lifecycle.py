"""Routes for the dossier's life cycle: receive or refuse an online
submission, supplement request and return, extension, withdraw, stop,
return of the result."""
from datetime import datetime, timezone

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import lifecycle

from .auth import context
from .schemas import DossierOut

blp = Blueprint("lifecycle", __name__, description="The dossier's life cycle")


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class SupplementIn(Schema):
    missing = fields.List(fields.String(validate=validate.Length(min=1, max=500)),
                          required=True, validate=validate.Length(min=1))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class SupplementOut(DossierOut):
    late = fields.Boolean()


class SupplementBackIn(Schema):
    documents = fields.List(fields.Raw(), load_default=list)


class ExtensionIn(Schema):
    new_due_at = fields.AwareDateTime(required=True, validate=validate.Range(
        min=datetime(2000, 1, 1, tzinfo=timezone.utc),
        max=datetime(2100, 1, 1, tzinfo=timezone.utc)))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ExtensionOut(DossierOut):
    slip_url = fields.String()


class ReturnIn(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(
        ("desk", "post", "electronic")))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


@blp.post("/dossiers/<code>/receive")
@blp.response(200, DossierOut)
def receive(code):
    return lifecycle.receive(context(), code)


@blp.post("/dossiers/<code>/refuse")
@blp.arguments(ReasonIn)
@blp.response(200, DossierOut)
def refuse(body, code):
    return lifecycle.refuse(context(), code, body["reason"])


@blp.post("/dossiers/<code>/supplement-request")
@blp.arguments(SupplementIn)
@blp.response(200, SupplementOut)
def supplement_request(body, code):
    dossier, late = lifecycle.request_supplement(context(), code, body["missing"], body["note"])
    dossier.late = late  # shown beside the dossier (API.md)
    return dossier


@blp.post("/dossiers/<code>/supplement-received")
@blp.arguments(SupplementBackIn)
@blp.response(200, DossierOut)
def supplement_received(body, code):
    return lifecycle.receive_supplement(context(), code, body["documents"])


@blp.post("/dossiers/<code>/extension")
@blp.arguments(ExtensionIn)
@blp.response(200, ExtensionOut)
def extension(body, code):
    dossier = lifecycle.extend(context(), code, body["new_due_at"], body["reason"])
    dossier.slip_url = f"{request.script_root}/api/v1/dossiers/{code}/slips/apology"
    return dossier


@blp.post("/dossiers/<code>/withdraw")
@blp.arguments(ReasonIn)
@blp.response(200, DossierOut)
def withdraw(body, code):
    return lifecycle.withdraw(context(), code, body["reason"])


@blp.post("/dossiers/<code>/stop")
@blp.arguments(ReasonIn)
@blp.response(200, DossierOut)
def stop(body, code):
    return lifecycle.stop(context(), code, body["reason"])


@blp.post("/dossiers/<code>/return")
@blp.arguments(ReturnIn)
@blp.response(200, DossierOut)
def return_result(body, code):
    return lifecycle.return_result(context(), code, body["channel"], body["note"])
