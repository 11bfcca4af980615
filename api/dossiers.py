"""Routes for dossiers: open, read, list, history, and public tracking."""
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.dossier import intake
from engine.dossier.intake import CHANNELS, OUTCOMES
from engine.dossier.status import STATUSES

from .auth import context, log_read, public_context, throttle_public
from .fields import Instant, PageArgs, page_schema
from .openapi import problems
from .schemas import DossierOut

blp = Blueprint("dossiers", __name__, description="Dossiers")


class ApplicantIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    id_number = fields.String(load_default=None, validate=validate.Length(max=32))
    phone = fields.String(load_default=None, validate=validate.Length(max=32))
    email = fields.Email(load_default=None)
    address = fields.String(load_default=None, validate=validate.Length(max=500))


class DossierIn(Schema):
    procedure = fields.String(required=True)
    applicant = fields.Nested(ApplicantIn, required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    data = fields.Dict(load_default=dict)
    receiving_unit = fields.String(load_default=None)
    handling_unit = fields.String(load_default=None, metadata={
        "description": "The unit handling it: required for a commune-level procedure (a "
                       "commune under the procedure's agency), else the agency"})
    # the desk's decision for a direct or postal dossier (default: received)
    outcome = fields.String(load_default=None, validate=validate.OneOf(OUTCOMES))
    missing = fields.List(fields.String(validate=validate.Length(min=1, max=500)),
                          load_default=list, validate=validate.Length(max=100))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    reason = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def _outcome_needs(self, data, **_kwargs):
        if data.get("outcome") == "supplement" and not data.get("missing"):
            raise ValidationError("List what is missing.", "missing")
        if data.get("outcome") == "refused" and not data.get("reason", "").strip():
            raise ValidationError("Give the reason for refusing.", "reason")


class DossierFilter(PageArgs):
    code = fields.String(validate=validate.Length(max=64), metadata={
        "description": "Part of the dossier's code"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    procedure = fields.String()
    unit = fields.String()
    overdue = fields.Boolean(load_default=False)
    due_before = fields.AwareDateTime()


class EventOut(Schema):
    id = fields.Integer()
    type = fields.String()
    at = Instant()
    actor = fields.String()
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    detail = fields.Dict(metadata={"description": "What happened, by event type"})
    hash = fields.String()


class PublicDossierOut(Schema):
    code = fields.String()
    procedure = fields.String(attribute="procedure.code")
    procedure_name = fields.String(attribute="procedure.name")
    status = fields.String(validate=validate.OneOf(STATUSES))
    national_status = fields.Integer(validate=validate.Range(min=1, max=10))
    received_at = Instant(allow_none=True)
    due_at = Instant(allow_none=True)
    resolved_at = Instant(allow_none=True)


@blp.post("/dossiers")
@blp.arguments(DossierIn)
@blp.response(201, DossierOut)
@problems(403, (404, "No such procedure"),
          (409, "A concurrent change conflicts with this one; retry"),
          (422, "Invalid input, a procedure with no deployed version, a receiving unit "
                "the caller is not in, an outcome for an online submission, a handling "
                "unit missing (commune-level), outside the procedure's agency or lacking "
                "a function the steps name"))
def open_dossier(body):
    """Open a dossier (reception)

    At a desk (`direct`, `post`) the `outcome` is `received` (the default: the
    clock starts), `supplement` (sent back for the papers in `missing`: national
    status 5, not received) or `refused` (with a `reason`: status 3). An `online`
    submission waits as new (status 1) until reception receives, sends back or
    refuses it. Officers in several units name the `receiving_unit`. Any desk
    may receive for any `handling_unit`."""
    return intake.open_dossier(context(), **body)


@blp.get("/dossiers")
@blp.arguments(DossierFilter, location="query")
@blp.response(200, page_schema(DossierOut, "DossierPage"))
def list_dossiers(args):
    """List the dossiers the caller may see

    Newest first, paginated. `overdue=true`: open dossiers whose clock runs and
    whose due time has passed; `due_before`: due before that instant; `unit`:
    received at that unit; `code`: part of the dossier's code."""
    return intake.list_dossiers(context(), **args)


@blp.get("/dossiers/<code>")
@blp.response(200, DossierOut)
@problems(404)
def get_dossier(code):
    """A dossier

    Status, national status, clock, open tasks, data and documents. Reading it
    is logged (it holds personal data)."""
    ctx = context()
    dossier = intake.get_dossier(ctx, code)
    log_read(ctx, dossier.code, "dossier.viewed", dossier_id=dossier.id, what="dossier")
    return dossier


@blp.get("/dossiers/<code>/history")
@blp.response(200, EventOut(many=True))
@problems(404)
def history(code):
    """A dossier's history

    Its event log, oldest first: each event with its type (`dossier.received`,
    `task.completed`, ...), instant, actor and chain hash."""
    return intake.history(context(), code)


class RetryIn(Schema):
    data = fields.Dict(load_default=dict)


@blp.post("/dossiers/<code>/retry")
@blp.arguments(RetryIn)
@blp.response(200, DossierOut)
@problems(403, 404, (409, "The dossier has no incident, or waits (supplement), or changed "
                          "meanwhile"), 422)
def retry(body, code):
    """Retry a dossier's incident (leaders)

    Run the failed step (a script or a timer) again, optionally merging corrected
    `data` into the dossier's data first; a new failure is the incident again."""
    return intake.retry(context(), code, body["data"])


@blp.get("/public/dossiers/<code>")
@blp.response(200, PublicDossierOut)
@blp.doc(security=[])
@problems(404, (429, "Too many lookups from this address"))
def track(code):
    """Track a dossier (public)

    Anyone with the code: procedure, status, received, due and resolved
    instants; no personal data. Throttled per address (429 with Retry-After):
    codes are sequential."""
    ctx = public_context()
    throttle_public(ctx)
    return intake.track(ctx, code)
