"""Output schemas shared by the dossier and task routes."""
from marshmallow import Schema, fields

from .fields import Instant, instant_text


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
    dossier_code = fields.Function(lambda t: t.dossier.code)
    procedure = fields.Function(lambda t: t.dossier.procedure.code)
    candidate_groups = fields.List(fields.String())
    assignee = fields.Function(lambda t: t.assignee.username if t.assignee else None)
    status = fields.String()
    created_at = Instant()
    due_at = Instant(allow_none=True)
    overdue_at = Instant(allow_none=True)
    ended_at = Instant(allow_none=True)
    completed_by = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)
    allotment = fields.String(allow_none=True)


class ClockOut(Schema):
    state = fields.Function(lambda d: d.clock_state or "not_started")
    started_at = Instant(attribute="clock_started_at", allow_none=True)
    paused_at = Instant(attribute="clock_paused_at", allow_none=True)
    extended_to = Instant(allow_none=True)
    overdue_at = Instant(allow_none=True)


class DossierOut(Schema):
    code = fields.String()
    procedure = fields.Function(lambda d: d.procedure.code)
    version = fields.Function(lambda d: d.version.number)
    status = fields.String()
    national_status = fields.Integer()
    channel = fields.String()
    receiving_unit = fields.Function(lambda d: d.receiving_unit.code)
    created_at = Instant()
    received_at = Instant(allow_none=True)
    transfer_by = Instant(allow_none=True)
    due_at = Instant(allow_none=True)
    resolved_at = Instant(allow_none=True)
    clock = fields.Function(lambda d: ClockOut().dump(d))
    applicant = fields.Dict()
    data = fields.Dict()
    incident = fields.Method("_incident", allow_none=True)
    tasks = fields.Function(lambda d: TaskOut(many=True).dump(d.open_tasks))
    documents = fields.Function(lambda d: DocumentOut(many=True).dump(d.documents))
    revision = fields.Integer()

    def _incident(self, dossier):
        """The engine stores `at` as ISO text (UTC, to the microsecond): serve it
        like every other instant."""
        incident = dossier.incident
        if not incident or not incident.get("at"):
            return incident
        return {**incident, "at": instant_text(incident["at"])}
