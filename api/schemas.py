"""Output schemas shared by the dossier and task routes, and `Derived`, the
field for a nested shape computed from the object (typed in the document,
unlike a `fields.Function`)."""
from marshmallow import Schema, fields, missing, validate

from engine.dossier.intake import CHANNELS
from engine.dossier.status import STATUSES

from .fields import Instant

TASK_STATUSES = ("open", "completed", "cancelled")
CLOCK_STATES = ("not_started", "running", "paused", "stopped")


class Derived(fields.Nested):
    """A nested schema dumped from `get(obj)` (by default the object itself)."""

    def __init__(self, nested, get=lambda obj: obj, **kwargs):
        super().__init__(nested, dump_only=True, **kwargs)
        self.get = get

    def get_value(self, obj, attr, accessor=None, default=missing):
        return self.get(obj)


class DocumentOut(Schema):
    id = fields.Integer()
    document_type = fields.String()
    pages = fields.Integer(allow_none=True)
    digitized = fields.Boolean()
    is_result = fields.Boolean()
    reused_from = fields.Integer(attribute="reused_from_id", allow_none=True)
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    checksum = fields.String()
    uploaded_by = fields.String()
    uploaded_at = Instant()


class TaskOut(Schema):
    id = fields.String()
    element_id = fields.String()
    name = fields.String()
    dossier_code = fields.String(attribute="dossier.code")
    procedure = fields.String(attribute="dossier.procedure.code")
    candidate_groups = fields.List(fields.String())
    assignee = fields.Function(lambda t: t.assignee.username if t.assignee else None,
                               allow_none=True, metadata={"type": "string"})
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    created_at = Instant()
    due_at = Instant(allow_none=True)
    overdue_at = Instant(allow_none=True)
    ended_at = Instant(allow_none=True)
    completed_by = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)
    allotment = fields.String(allow_none=True)


class DossierClockOut(Schema):
    """The statutory clock (a dossier sent back at reception has none yet)."""
    state = fields.Function(lambda d: d.clock_state or "not_started",
                            metadata={"type": "string", "enum": list(CLOCK_STATES)})
    started_at = Instant(attribute="clock_started_at", allow_none=True)
    paused_at = Instant(attribute="clock_paused_at", allow_none=True)
    extended_to = Instant(allow_none=True)
    overdue_at = Instant(allow_none=True)


class ApplicantOut(Schema):
    name = fields.String()
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address = fields.String(allow_none=True)


class IncidentOut(Schema):
    """A failed script or timer that stops the dossier until retried."""
    element_id = fields.String(allow_none=True)
    message = fields.String()
    at = Instant()
    timer_id = fields.Integer(metadata={"description": "When a timer kept failing"})


class DossierSummaryOut(Schema):
    code = fields.String()
    procedure = fields.String(attribute="procedure.code")
    status = fields.String(validate=validate.OneOf(STATUSES))
    national_status = fields.Integer(validate=validate.Range(min=1, max=10))
    received_at = Instant(allow_none=True)
    due_at = Instant(allow_none=True)
    applicant = fields.Nested(ApplicantOut)


class DossierOut(Schema):
    code = fields.String()
    procedure = fields.String(attribute="procedure.code")
    version = fields.Integer(attribute="version.number")
    status = fields.String(validate=validate.OneOf(STATUSES))
    national_status = fields.Integer(validate=validate.Range(min=1, max=10))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    receiving_unit = fields.String(attribute="receiving_unit.code")
    handling_unit = fields.String(attribute="handling_unit.code")
    created_at = Instant()
    received_at = Instant(allow_none=True)
    transfer_by = Instant(allow_none=True)
    due_at = Instant(allow_none=True)
    resolved_at = Instant(allow_none=True)
    clock = Derived(DossierClockOut)
    applicant = fields.Nested(ApplicantOut)
    data = fields.Dict(metadata={"description": "The dossier's data: what its forms set"})
    incident = fields.Nested(IncidentOut, allow_none=True)
    tasks = fields.List(fields.Nested(TaskOut), attribute="open_tasks",
                        metadata={"description": "Its open tasks"})
    documents = fields.List(fields.Nested(DocumentOut))
    revision = fields.Integer()
