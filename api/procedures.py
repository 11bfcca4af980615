"""Routes for the procedure catalogue and deploying diagram versions."""
import re

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

from engine.catalogue import procedures
from engine.kernel.errors import BadRequest
from engine.catalogue.procedures import TIME_UNITS

from .auth import context
from .fields import Instant, PageArgs, page_schema
from .openapi import ProblemItem, problems
from .schemas import Derived

blp = Blueprint("procedures", __name__, description="Procedures and their versions")

LEVELS = ("province", "district", "commune")
CLOCK_POLICIES = ("restart", "pause")


class StatutoryTime(Schema):
    value = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    unit = fields.String(required=True, validate=validate.OneOf(TIME_UNITS))


class EscalationIn(Schema):
    remind_at = fields.Float(validate=validate.Range(min=0, max=1, max_inclusive=False))
    escalate_after = fields.String(allow_none=True,
                                   validate=validate.Regexp(r"^\d+(\.\d+)?[dh]$"))


class DetailsIn(Schema):
    """Free catalogue details (fee, documents, online level), plus the ladder."""
    class Meta:
        unknown = INCLUDE
    escalation = fields.Nested(EscalationIn)


class ProcedureIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{1,64}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=500))
    field = fields.String(load_default="")
    agency = fields.String(required=True)
    level = fields.String(load_default="province", validate=validate.OneOf(LEVELS))
    statutory_time = fields.Nested(StatutoryTime, required=True)
    clock_policy = fields.String(load_default="restart", validate=validate.OneOf(CLOCK_POLICIES))
    details = fields.Nested(DetailsIn, load_default=dict)


class VersionSummary(Schema):
    version = fields.Integer(attribute="number")
    process_id = fields.String()
    checksum = fields.String()
    deployed_by = fields.String()
    deployed_at = Instant()


class UserTaskOut(Schema):
    """A user task of the diagram, as deployed."""
    element_id = fields.String()
    name = fields.String(allow_none=True)
    lane = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    form_key = fields.String(allow_none=True)
    allotment = fields.String(allow_none=True, metadata={"description": "e.g. 2d or 4h"})
    lifecycle = fields.String(allow_none=True)


class VersionOut(VersionSummary):
    procedure = fields.String(attribute="procedure.code")
    user_tasks = fields.List(fields.Nested(UserTaskOut))
    warnings = fields.List(fields.Nested(ProblemItem))
    forms = fields.Method("_forms", metadata={
        "type": "array", "items": {"type": "string"}, "description": "Its forms' keys"})

    def _forms(self, version):
        return sorted(procedures.version_forms(context().session, version))


class StatutoryTimeOut(Schema):
    value = fields.Integer(attribute="statutory_value")
    unit = fields.String(attribute="statutory_unit", validate=validate.OneOf(TIME_UNITS))


class ProcedureOut(Schema):
    code = fields.String()
    name = fields.String()
    field = fields.String()
    agency = fields.String(attribute="agency.code")
    level = fields.String(validate=validate.OneOf(LEVELS))
    statutory_time = Derived(StatutoryTimeOut)
    clock_policy = fields.String(validate=validate.OneOf(CLOCK_POLICIES))
    details = fields.Dict(metadata={
        "description": "Catalogue details (fee, documents, online level, escalation ladder)"})
    active_version = Derived(VersionSummary, procedures.active_version, allow_none=True)


class DeployOut(Schema):
    version = fields.Integer(attribute="number")
    process_id = fields.String()
    checksum = fields.String()
    warnings = fields.List(fields.Nested(ProblemItem))


class ValidateOut(Schema):
    """What a deployment of this diagram would store (nothing is stored)."""
    process_id = fields.String()
    checksum = fields.String()
    warnings = fields.List(fields.Nested(ProblemItem))


UPLOAD = {"content": {
    "application/xml": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"},
        "forms": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}
UPLOAD_PROBLEMS = ((400, "Malformed request, or a multipart body without its `file`"), 403, 404,
                   (413, "The diagram is over the size limit"),
                   (415, "Neither XML nor multipart/form-data"),
                   (422, "The diagram or a form cannot be deployed: `errors` name the element "
                         "ids and lines (also a user task whose form is missing, a lane or "
                         "candidate group that names no unit or role)"))


@blp.post("/procedures")
@blp.arguments(ProcedureIn)
@blp.response(201, ProcedureOut)
@problems(403, (409, "A procedure of this code exists"),
          (422, "Invalid input, or an unknown agency unit"))
def create_procedure(body):
    """Create a procedure (designers)

    A catalogue entry: code, name, field, agency (for a commune-level procedure,
    the unit under which the handling communes are chosen), level, statutory
    time and clock policy (`restart` or `pause` during a supplement)."""
    return procedures.create_procedure(context(), **body)


@blp.get("/procedures")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ProcedureOut, "ProcedurePage"))
def list_procedures(args):
    """List procedures

    The catalogue, paginated, each with its active version."""
    return procedures.list_procedures(context(), **args)


@blp.get("/procedures/<code>")
@blp.response(200, ProcedureOut)
@problems(404)
def get_procedure(code):
    """A procedure

    Its catalogue entry and active version."""
    return procedures.get_procedure(context().session, code)


@blp.post("/procedures/<code>/versions")
@blp.doc(requestBody=UPLOAD)
@blp.response(201, DeployOut)
@problems(*UPLOAD_PROBLEMS, (409, "A concurrent deployment; retry"))
def deploy(code):
    """Deploy a new version (designers)

    The BPMN as `application/xml`, or multipart with the BPMN as `file` and any
    number of form-js definitions (JSON) as `forms`. The version's forms are those
    uploaded with it plus the latest of each key deployed earlier."""
    ctx = context()
    xml, forms = _upload()
    return procedures.deploy_version(ctx, code, xml, forms)


@blp.post("/procedures/<code>/validate")
@blp.doc(requestBody=UPLOAD)
@blp.response(200, ValidateOut)
@problems(*UPLOAD_PROBLEMS)
def validate_diagram(code):
    """Check a diagram without deploying it (designers)

    The same body and the same checks as deploying a version, and the same 422
    problems naming element ids and lines; nothing is stored. 200 with the
    process id, checksum and warnings a deployment would give."""
    ctx = context()
    xml, forms = _upload()
    return procedures.validate_version(ctx, code, xml, forms)


def _upload():
    if request.mimetype == "multipart/form-data":
        if "file" not in request.files:
            raise BadRequest("Send the BPMN as the multipart field 'file'.")
        return request.files["file"].read(), [f.read() for f in request.files.getlist("forms")]
    if request.mimetype not in ("application/xml", "text/xml", "application/bpmn+xml"):
        raise BadRequest("Send the BPMN as application/xml or multipart/form-data.")
    return request.get_data(), []


@blp.get("/procedures/<code>/versions")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(VersionSummary, "VersionPage"))
@problems(404)
def list_versions(args, code):
    """List a procedure's versions

    Paginated."""
    return procedures.list_versions(context(), code, **args)


@blp.get("/procedures/<code>/versions/<int:number>")
@blp.response(200, VersionOut)
@problems(404)
def get_version(code, number):
    """A procedure's version

    Its metadata, user tasks (with their candidate groups, forms and allotments),
    deployment warnings and form keys."""
    return procedures.get_version(context().session, code, number)


@blp.get("/procedures/<code>/versions/<int:number>/bpmn")
@blp.doc(responses={"200": {"description": "The diagram exactly as uploaded (a download)",
                            "content": {"application/xml": {"schema": {"type": "string"}}}}})
@problems(404)
def get_bpmn(code, number):
    """A version's diagram (BPMN XML)

    The uploaded bytes as an attachment, in their own encoding, sandboxed: an
    upload may carry XHTML (a script in extensionElements) that must never run."""
    version = procedures.get_version(context().session, code, number)
    response = Response(version.bpmn_xml,
                        content_type=f"application/xml; charset={procedures.xml_encoding(version)}")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", version.procedure.code)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-v{number}.bpmn"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
