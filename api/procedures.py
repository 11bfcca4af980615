"""Routes for the procedure catalogue and deploying diagram versions."""
import re

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

from engine import procedures
from engine.bpmn.xml import encoding_of
from engine.errors import BadRequest
from engine.procedures import TIME_UNITS

from .auth import context
from .fields import Instant, PageArgs, page_schema

blp = Blueprint("procedures", __name__, description="Procedures and their versions")


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
    level = fields.String(load_default="province",
                          validate=validate.OneOf(("province", "district", "commune")))
    statutory_time = fields.Nested(StatutoryTime, required=True)
    clock_policy = fields.String(load_default="restart",
                                 validate=validate.OneOf(("restart", "pause")))
    details = fields.Nested(DetailsIn, load_default=dict)


class VersionSummary(Schema):
    version = fields.Integer(attribute="number")
    process_id = fields.String()
    checksum = fields.String()
    deployed_by = fields.String()
    deployed_at = Instant()


class VersionOut(VersionSummary):
    procedure = fields.Function(lambda v: v.procedure.code)
    user_tasks = fields.List(fields.Dict())
    warnings = fields.List(fields.Dict())
    forms = fields.Method("_forms")

    def _forms(self, version):
        return sorted(procedures.version_forms(context().session, version))


class ProcedureOut(Schema):
    code = fields.String()
    name = fields.String()
    field = fields.String()
    agency = fields.Function(lambda p: p.agency.code)
    level = fields.String()
    statutory_time = fields.Function(lambda p: {"value": p.statutory_value,
                                                "unit": p.statutory_unit})
    clock_policy = fields.String()
    details = fields.Dict()
    active_version = fields.Function(
        lambda p: VersionSummary().dump(procedures.active_version(p))
        if p.versions else None)


class DeployOut(Schema):
    version = fields.Integer(attribute="number")
    process_id = fields.String()
    checksum = fields.String()
    warnings = fields.List(fields.Dict())


@blp.post("/procedures")
@blp.arguments(ProcedureIn)
@blp.response(201, ProcedureOut)
def create_procedure(body):
    return procedures.create_procedure(context(), **body)


@blp.get("/procedures")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ProcedureOut, "ProcedurePage"))
def list_procedures(args):
    return procedures.list_procedures(context(), **args)


@blp.get("/procedures/<code>")
@blp.response(200, ProcedureOut)
def get_procedure(code):
    return procedures.get_procedure(context().session, code)


@blp.post("/procedures/<code>/versions")
@blp.doc(requestBody={"content": {
    "application/xml": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"},
        "forms": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}})
@blp.response(201, DeployOut)
def deploy(code):
    ctx = context()
    xml, forms = _upload()
    return procedures.deploy_version(ctx, code, xml, forms)


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
def list_versions(args, code):
    return procedures.list_versions(context(), code, **args)


@blp.get("/procedures/<code>/versions/<int:number>")
@blp.response(200, VersionOut)
def get_version(code, number):
    return procedures.get_version(context().session, code, number)


@blp.get("/procedures/<code>/versions/<int:number>/bpmn")
@blp.doc(responses={"200": {"description": "The diagram exactly as uploaded (a download)",
                            "content": {"application/xml": {"schema": {"type": "string"}}}}})
def get_bpmn(code, number):
    """The uploaded bytes as an attachment, in their own encoding, sandboxed: an
    upload may carry XHTML (a script in extensionElements) that must never run."""
    version = procedures.get_version(context().session, code, number)
    response = Response(version.bpmn_xml,
                        content_type=f"application/xml; charset={encoding_of(version.bpmn_xml)}")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", version.procedure.code)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-v{number}.bpmn"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
