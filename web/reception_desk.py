"""What the reception desk's pages show, read through the engine's services with the
visitor's context: the procedures a desk may open a dossier on (those with a
deployed version), a procedure's handling units as the engine decides them
(`engine.dossier.handling.choices`), the rows of the desk's lists, one dossier
at the desk (its facts, the slips it has, its documents and those of the same
applicant it may reuse), and the texts the page's script shows.

Everything is copied into plain dicts: templates never hold an engine object.
"""
from flask import url_for

from engine.catalogue import procedures
from engine.dossier import documents, handling, intake
from engine.people import directory

from .reception_texts import script_texts
from .words import statutory_time

CATALOGUE_SIZE = 500  # procedures in the desk's list (a province has a few hundred)
DOCUMENT_TYPE = 64  # the API's limit on a document's type
CLOSED = ("refused", "withdrawn", "stopped", "returned")  # it takes no more documents
# the slip each outcome prints, and the slips a dossier in a status has
SLIP_OF = {"received": "receipt", "supplement": "supplement", "refused": "refusal"}


def catalogue(ctx) -> list[dict]:
    """The procedures with a deployed version, grouped by field then named."""
    listing = procedures.list_procedures(ctx, page=1, per_page=CATALOGUE_SIZE)["items"]
    found = [{"code": p.code, "name": p.name, "field": p.field or ""}
             for p in listing if procedures.active_version(p) is not None]
    return sorted(found, key=lambda p: (p["field"], p["name"]))


def fields_of(entries) -> list[tuple[str, list[dict]]]:
    """The catalogue's entries by field, in order (for `<optgroup>`)."""
    groups = {}
    for entry in entries:
        groups.setdefault(entry["field"], []).append(entry)
    return list(groups.items())


def procedure_facts(ctx, code) -> dict:
    """A procedure as the desk's form needs it: level, time, fee, the papers it
    asks for, and the units that may handle it."""
    procedure = procedures.get_procedure(ctx.session, code)
    details = procedure.details or {}
    papers = [str(name) for name in details.get("documents") or []]
    units = handling.choices(ctx.session, procedure)
    return {"code": procedure.code, "name": procedure.name, "level": procedure.level,
            "commune": procedure.level == "commune",
            "agency": procedure.agency.name,
            "time": statutory_time(procedure.statutory_value, procedure.statutory_unit),
            "fee": details.get("fee"), "papers": papers,
            "document_types": [document_type(name) for name in papers],
            "units": [{"code": unit.code, "name": unit.name} for unit in units]}


def document_type(name: str) -> str:
    """A paper's name as a document type: the API keeps 64 characters, cut at a word."""
    if len(name) <= DOCUMENT_TYPE:
        return name
    cut = name[:DOCUMENT_TYPE - 1].rsplit(" ", 1)[0].rstrip(" ,;(")
    return cut + "…"


def receiving_units(ctx) -> list[dict]:
    """The visitor's units when there are several (the dossier names its desk)."""
    codes = list(ctx.actor.unit_codes)
    if len(codes) < 2:
        return []
    names = directory.unit_names(ctx.session, codes)
    return [{"code": code, "name": names.get(code, code)} for code in codes]


def counts(ctx) -> dict:
    """How many online submissions wait and how many results are ready."""
    return {status: intake.list_dossiers(ctx, status=status, page=1, per_page=1)["total"]
            for status in ("new", "resolved")}


def rows(ctx, listing) -> list[dict]:
    """A page of dossiers as the desk's tables show them."""
    return [{"code": d.code, "procedure": d.procedure.name, "procedure_code": d.procedure.code,
             "applicant": (d.applicant or {}).get("name", ""),
             "id_number": (d.applicant or {}).get("id_number") or "",
             "handling_unit": d.handling_unit.name,
             "channel": d.channel, "created_at": d.created_at, "due_at": d.due_at,
             "resolved_at": d.resolved_at, "papers": _papers(d.procedure)}
            for d in listing["items"]]


def _papers(procedure) -> list[str]:
    return [str(name) for name in (procedure.details or {}).get("documents") or []]


def dossier_view(ctx, code) -> dict:
    """One dossier at the desk: its facts, slips, documents and what it may reuse."""
    dossier = intake.get_dossier(ctx, code)
    applicant = dossier.applicant or {}
    attached = documents.list_documents(ctx, code, page=1, per_page=100)["items"]
    closed = dossier.status in CLOSED
    reuse = {"items": [], "dossiers": {}} if closed else documents.reusable(ctx, code)
    return {
        "id": dossier.id, "code": dossier.code, "status": dossier.status,
        "national_status": dossier.national_status, "channel": dossier.channel,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
        "papers": _papers(dossier.procedure),
        "document_types": [document_type(name) for name in _papers(dossier.procedure)],
        "applicant": {key: applicant.get(key) or "" for key in
                      ("name", "id_number", "phone", "email", "address")},
        "handling_unit": dossier.handling_unit.name,
        "receiving_unit": dossier.receiving_unit.name,
        "created_at": dossier.created_at, "received_at": dossier.received_at,
        "due_at": dossier.due_at, "resolved_at": dossier.resolved_at,
        "slips": slips_of(dossier), "closed": closed,
        "documents": [_document(d) for d in attached],
        "reusable": [{**_document(d), "dossier": reuse["dossiers"].get(d.dossier_id, "")}
                     for d in reuse["items"]],
    }


def slips_of(dossier) -> list[str]:
    """The slips the dossier has (the slip route answers 404 for the others)."""
    kinds = []
    if dossier.received_at is not None:
        kinds.append("receipt")
    if dossier.status == "supplement":
        kinds.append("supplement")
    if dossier.status == "refused":
        kinds.append("refusal")
    return kinds


def _document(document) -> dict:
    return {"id": document.id, "type": document.document_type, "filename": document.filename,
            "pages": document.pages, "size": document.size, "digitized": document.digitized,
            "is_result": document.is_result, "reused": document.reused_from_id is not None,
            "uploaded_by": document.uploaded_by, "uploaded_at": document.uploaded_at}


def page_data(ctx, **extra) -> dict:
    """What the page's script reads: the texts it shows and the upload limits."""
    settings = ctx.settings
    return {"texts": script_texts(), "max_bytes": settings.max_document_bytes,
            "types": sorted(settings.document_types),
            "done_url": url_for("web.reception.dossier", code="CODE"), **extra}
