"""Routes for the dossier's life cycle: receive or refuse an online
submission, supplement request and return, moving it to another handling
unit, extension, withdraw, stop, return of the result."""
from datetime import datetime, timezone

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.dossier import handling, lifecycle

from .auth import context
from .openapi import problems
from .schemas import DossierOut

blp = Blueprint("lifecycle", __name__, description="The dossier's life cycle")


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class SupplementIn(Schema):
    missing = fields.List(fields.String(validate=validate.Length(min=1, max=500)),
                          required=True, validate=validate.Length(min=1))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class SupplementOut(DossierOut):
    late = fields.Boolean(metadata={"description": "Asked past the procedure's window, "
                                                   "where the setting flags it instead of "
                                                   "refusing"})


class SupplementBackIn(Schema):
    documents = fields.List(fields.Raw(), load_default=list, metadata={
        "description": "The papers brought (e.g. document types): what the diagram's "
                       "supplement step receives"})


class ExtensionIn(Schema):
    new_due_at = fields.AwareDateTime(required=True, validate=validate.Range(
        min=datetime(2000, 1, 1, tzinfo=timezone.utc),
        max=datetime(2100, 1, 1, tzinfo=timezone.utc)))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ExtensionOut(DossierOut):
    slip_url = fields.String(metadata={"description": "The apology slip"})


class ReturnIn(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(
        ("desk", "post", "electronic")))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


@blp.post("/dossiers/<code>/receive")
@blp.response(200, DossierOut)
@problems(403, 404, (409, "Not an online submission waiting as new, or changed meanwhile"))
def receive(code):
    """Receive an online submission (reception)

    A submission waiting as new (national status 1) is received: its clock
    starts, status 2 (4 once its first step is done)."""
    return lifecycle.receive(context(), code)


@blp.post("/dossiers/<code>/refuse")
@blp.arguments(ReasonIn)
@blp.response(200, DossierOut)
@problems(403, 404, (409, "Already received (stop it instead), or not open"), 422)
def refuse(body, code):
    """Refuse a dossier at reception

    An online submission waiting as new, or a dossier sent back whose papers never
    came, is refused with a `reason` (national status 3)."""
    return lifecycle.refuse(context(), code, body["reason"])


@blp.post("/dossiers/<code>/supplement-request")
@blp.arguments(SupplementIn)
@blp.response(200, SupplementOut)
@problems(403, 404, (409, "Not received nor new, a second supplement, or past the "
                          "procedure's window (where the setting refuses)"), 422)
def supplement_request(body, code):
    """Ask for a supplement (reception, officers)

    `missing` lists the document types. On an online submission (status 1): sent
    back, not received, clock not started. During processing: national status 5,
    the clock and the steps' times pause (or will restart, per the procedure's
    policy); once per dossier."""
    dossier, late = lifecycle.request_supplement(context(), code, body["missing"], body["note"])
    dossier.late = late  # shown beside the dossier (API.md)
    return dossier


@blp.post("/dossiers/<code>/supplement-received")
@blp.arguments(SupplementBackIn)
@blp.response(200, DossierOut)
@problems(403, 404, (409, "Not waiting for a supplement, or changed meanwhile"), 422)
def supplement_received(body, code):
    """The supplement is back (reception)

    A dossier sent back at reception is now received (status 2, its clock starts
    now); otherwise the clock and the steps resume or restart, national status
    back to 2 or 4."""
    return lifecycle.receive_supplement(context(), code, body["documents"])


class MoveIn(Schema):
    unit = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "The new handling unit's code"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


@blp.post("/dossiers/<code>/handling-unit")
@blp.arguments(MoveIn)
@blp.response(200, DossierOut)
@problems((403, "Not a leader of the unit handling the dossier or of a unit above it"), 404,
          (409, "The dossier is closed, or changed meanwhile"),
          (422, "The unit is unknown, already handles the dossier, is not under the "
                "procedure's agency, or lacks a function the steps name"))
def move(body, code):
    """Move a dossier to another handling unit (leaders)

    When it was sent to the wrong commune: its open steps whose lanes name an
    `@function` move to the new unit's, and the move (from, to, reason) is in
    the dossier's history as `dossier.moved`."""
    return handling.move(context(), code, body["unit"], body["reason"])


@blp.post("/dossiers/<code>/extension")
@blp.arguments(ExtensionIn)
@blp.response(200, ExtensionOut)
@problems((403, "Not a leader of the unit handling the dossier"), 404,
          (409, "A second extension, or asked less than one working day before the due "
                "time, or after it"),
          (422, "`new_due_at` is not a working instant, not after the due time, or later "
                "than the due time plus the statutory time"))
def extension(body, code):
    """Extend the due time once (leaders)

    The new appointment and the reason; answers the dossier with the apology
    slip's URL."""
    dossier = lifecycle.extend(context(), code, body["new_due_at"], body["reason"])
    dossier.slip_url = f"{request.script_root}/api/v1/dossiers/{code}/slips/apology"
    return dossier


@blp.post("/dossiers/<code>/withdraw")
@blp.arguments(ReasonIn)
@blp.response(200, DossierOut)
@problems(403, 404, (409, "The dossier is no longer open"), 422)
def withdraw(body, code):
    """Withdraw a dossier at the applicant's request (reception)

    With a `reason`: national status 7; its tasks and timers end."""
    return lifecycle.withdraw(context(), code, body["reason"])


@blp.post("/dossiers/<code>/stop")
@blp.arguments(ReasonIn)
@blp.response(200, DossierOut)
@problems(403, 404, (409, "Never received (the desk refuses it instead), or no longer open"),
          422)
def stop(body, code):
    """Stop processing a dossier (leaders)

    With a `reason`: national status 8; its tasks and timers end. Only a
    received dossier's processing stops: one never received is a 409."""
    return lifecycle.stop(context(), code, body["reason"])


@blp.post("/dossiers/<code>/return")
@blp.arguments(ReturnIn)
@blp.response(200, DossierOut)
@problems(403, 404, (409, "The result is not ready"), 422)
def return_result(body, code):
    """Return the result to the applicant (reception)

    After the result is ready, by `channel` (`desk`, `post`, `electronic`):
    national status 10."""
    return lifecycle.return_result(context(), code, body["channel"], body["note"])
