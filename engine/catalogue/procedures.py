"""The catalogue: procedures, deploying versions of their diagrams, and forms."""
from datetime import timedelta

from sqlalchemy import func, select

from forms import RESERVED_KEYS, FormDefinitionError, field_keys, parse_definition

from .. import bpmn
from ..bpmn.xml import encoding_of
from ..deadlines.calendar import calendar_for
from ..kernel import events
from ..kernel.errors import Conflict, Invalid, NotFound, TooLarge
from ..kernel.queries import paginate
from ..kernel.settings import AMOUNT as ALLOTMENT
from ..kernel.settings import SettingError, with_policy
from ..kernel.uow import unit_of_work
from ..people import functions
from ..people.access import require_role
from ..people.functions import known_functions
from ..store.people import ROLES, Unit
from ..store.procedures import Form, Procedure, ProcedureVersion
from . import allotments

TIME_UNITS = ("working_days", "days", "hours")
SUPPLEMENT_STEP = "supplement"  # the `lifecycle` property of a diagram's supplement step
RETURNED_PAPERS = "supplement_documents"  # what the supplement step's completion sets
LIFECYCLE_STEPS = (SUPPLEMENT_STEP,)  # steps the life cycle drives (a property)


def xml_encoding(version) -> str:
    """The character encoding a version's diagram declares (served with it)."""
    return encoding_of(version.bpmn_xml)


def create_procedure(ctx, code, name, agency, statutory_time, field="", level="province",
                     clock_policy="restart", details=None) -> Procedure:
    require_role(ctx.actor, "designer")
    with unit_of_work(ctx) as session:
        if session.scalar(select(Procedure.id).where(Procedure.code == code)):
            raise Conflict(f"Procedure {code} already exists.")
        procedure = Procedure(code=code, created_at=ctx.now())
        _set_entry(ctx, procedure, name, agency, statutory_time, field, level, clock_policy,
                   details)
        session.add(procedure)
        session.flush()
        events.record(ctx, "procedure.created", stream=f"procedure:{code}",
                      detail={"code": code})
    return procedure


def update_procedure(ctx, code, name, agency, statutory_time, field="", level="province",
                     clock_policy="restart", details=None) -> list[str]:
    """Rewrite a catalogue entry (as a shipped `procedure.json` now reads); returns
    the names of the fields that changed, recorded in one event. Dossiers already
    opened keep their handling unit and due time."""
    require_role(ctx.actor, "designer")
    with unit_of_work(ctx) as session:
        procedure = get_procedure(session, code)
        before = _entry(procedure)
        _set_entry(ctx, procedure, name, agency, statutory_time, field, level, clock_policy,
                   details)
        changed = sorted(key for key, value in _entry(procedure).items() if before[key] != value)
        if changed:
            events.record(ctx, "procedure.updated", stream=f"procedure:{code}",
                          detail={"code": code, "changed": changed})
    return changed


def _set_entry(ctx, procedure, name, agency, statutory_time, field, level, clock_policy,
               details):
    unit = ctx.session.scalar(select(Unit).where(Unit.code == agency))
    if unit is None:
        raise Invalid(f"No unit {agency}.", [{"field": "agency", "message": "unknown unit"}])
    try:
        with_policy(ctx.settings, details or {})
    except SettingError as exc:
        raise Invalid("The procedure's policy is invalid.",
                      [{"field": f"details.{exc.name}", "message": exc.message}]) from None
    procedure.name, procedure.field, procedure.agency, procedure.level = name, field, unit, level
    procedure.statutory_value = statutory_time["value"]
    procedure.statutory_unit = statutory_time["unit"]
    procedure.clock_policy, procedure.details = clock_policy, details or {}


def _entry(procedure) -> dict:
    return {"name": procedure.name, "field": procedure.field, "agency": procedure.agency.code,
            "level": procedure.level, "clock_policy": procedure.clock_policy,
            "statutory_time": (procedure.statutory_value, procedure.statutory_unit),
            "details": procedure.details}


def list_procedures(ctx, page=1, per_page=50) -> dict:
    return paginate(ctx.session, select(Procedure).order_by(Procedure.code), page, per_page)


def list_versions(ctx, code, page=1, per_page=50) -> dict:
    procedure = get_procedure(ctx.session, code)
    query = (select(ProcedureVersion).where(ProcedureVersion.procedure_id == procedure.id)
             .order_by(ProcedureVersion.number))
    return paginate(ctx.session, query, page, per_page)


def get_procedure(session, code) -> Procedure:
    procedure = session.scalar(select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise NotFound(f"No procedure {code}.")
    return procedure


def active_version(procedure) -> ProcedureVersion | None:
    return procedure.versions[-1] if procedure.versions else None


def get_version(session, code, number) -> ProcedureVersion:
    procedure = get_procedure(session, code)
    for version in procedure.versions:
        if version.number == number:
            return version
    raise NotFound(f"Procedure {code} has no version {number}.")


def deploy_version(ctx, code, xml: bytes, uploaded_forms=()):
    """Compile, check against units, roles and forms, and store a new version."""
    require_role(ctx.actor, "designer")
    get_procedure(ctx.session, code)  # a missing procedure is a 404 before the compile work
    diagram, new_forms = _compile(ctx, xml, uploaded_forms)
    with unit_of_work(ctx) as session:
        procedure = get_procedure(session, code)
        forms = _check(ctx, session, procedure, diagram, new_forms)
        number = (session.scalar(select(func.max(ProcedureVersion.number))
                                 .where(ProcedureVersion.procedure_id == procedure.id)) or 0) + 1
        version = ProcedureVersion(
            procedure_id=procedure.id, number=number, process_id=diagram.process_id,
            checksum=diagram.checksum, bpmn_xml=xml, spec_json=diagram.spec_json,
            user_tasks=[_task_dict(t) for t in diagram.user_tasks],
            warnings=[_problem(p) for p in diagram.warnings] + _unset_reads(xml, diagram, forms),
            deployed_by=ctx.actor.username, deployed_at=ctx.now())
        session.add(version)
        session.flush()
        for key, definition in new_forms.items():
            session.add(Form(procedure_id=procedure.id, version_id=version.id, key=key,
                             definition=definition))
        events.record(ctx, "version.deployed", stream=f"procedure:{code}", detail={
            "procedure": code, "version": number, "checksum": diagram.checksum,
            "forms": sorted(new_forms)})
    return version


def validate_version(ctx, code, xml: bytes, uploaded_forms=()) -> dict:
    """Every check of `deploy_version`, storing nothing: `{process_id, checksum,
    warnings}` of the diagram that would be deployed, or the same `Invalid`."""
    require_role(ctx.actor, "designer")
    procedure = get_procedure(ctx.session, code)
    diagram, new_forms = _compile(ctx, xml, uploaded_forms)
    forms = _check(ctx, ctx.session, procedure, diagram, new_forms)
    return {"process_id": diagram.process_id, "checksum": diagram.checksum,
            "warnings": [_problem(p) for p in diagram.warnings]
            + _unset_reads(xml, diagram, forms)}


def _compile(ctx, xml: bytes, uploaded_forms):
    try:
        diagram = bpmn.compile_diagram(xml, max_bytes=ctx.settings.max_diagram_bytes)
    except bpmn.DiagramRejected as exc:
        errors = [_problem(p) for p in exc.problems]
        if getattr(exc, "too_large", False):
            raise TooLarge(errors[0]["message"], errors) from None
        raise Invalid("The diagram cannot be deployed.", errors) from None
    return diagram, _parse_forms(uploaded_forms)


def _check(ctx, session, procedure, diagram, new_forms) -> dict[str, dict]:
    """The version's forms, once its tasks and allotments pass the checks."""
    forms = {**latest_forms(session, procedure), **new_forms}
    _check_tasks(session, diagram, forms)
    day_hours = calendar_for(session, ctx.settings.office_hours).day_length / timedelta(hours=1)
    too_long = allotments.problem(diagram, procedure, day_hours)
    if too_long:
        raise Invalid("The steps' allotments exceed the statutory time.", [too_long])
    return forms


def latest_forms(session, procedure, before_version=None) -> dict[str, dict]:
    """Latest definition of each form key deployed for the procedure (up to a version)."""
    query = (select(Form).join(ProcedureVersion).where(Form.procedure_id == procedure.id)
             .order_by(ProcedureVersion.number))
    if before_version is not None:
        query = query.where(ProcedureVersion.number <= before_version)
    return {form.key: form.definition for form in session.scalars(query)}


def version_forms(session, version) -> dict[str, dict]:
    return latest_forms(session, version.procedure, before_version=version.number)


def _unset_reads(xml, diagram, forms) -> list[dict]:
    """Warnings for names a condition or script reads that no form, generic step,
    script or start data sets: a misspelling shows at deploy, not as an incident."""
    if any(task.form_key is None and not task.lifecycle for task in diagram.user_tasks):
        return []  # a step without a form takes the generic form: any name
    settable = set(RESERVED_KEYS).union(*(field_keys(forms[task.form_key])
                                          for task in diagram.user_tasks if task.form_key))
    if any(task.lifecycle for task in diagram.user_tasks):
        settable.add(RETURNED_PAPERS)
    return [_problem(bpmn.Problem(reads.element_id, reads.line, f"reads '{name}', which no "
                                  "form, generic step, script or start data sets"))
            for reads in bpmn.variable_reads(xml) for name in reads.names
            if name not in settable]


def _parse_forms(uploaded) -> dict[str, dict]:
    forms, errors = {}, []
    for index, raw in enumerate(uploaded):
        try:
            doc = parse_definition(raw)
        except FormDefinitionError as exc:
            errors.append({"field": f"forms[{index}]", "message": str(exc)})
            continue
        if doc["id"] in forms:
            errors.append({"field": f"forms[{index}]", "message": f"form {doc['id']} twice"})
        forms[doc["id"]] = doc
    if errors:
        raise Invalid("A form definition is invalid.", errors)
    return forms


def _check_tasks(session, diagram, forms):
    units = set(session.scalars(select(Unit.code)))
    known = units | set(ROLES) | {f"@{name}" for name in known_functions(session)} | {
        f"@{functions.DESK}"}
    errors = [{"element_id": lane, "message": _unknown(f"lane '{lane}'", lane)}
              for lane in diagram.lanes if lane not in known]
    for task in diagram.user_tasks:
        if not task.candidate_groups:
            errors.append({"element_id": task.element_id, "line": task.line,
                           "message": "the task has no lane or candidate group: nobody could "
                                      "claim it"})
        for group in task.candidate_groups:
            if group not in known and group != task.lane:
                errors.append({"element_id": task.element_id, "line": task.line,
                               "message": _unknown(f"candidate group '{group}'", group)})
        if task.form_key and task.form_key not in forms:
            errors.append({"element_id": task.element_id, "line": task.line,
                           "message": f"form '{task.form_key}' is not uploaded"})
        if task.lifecycle is not None and task.lifecycle not in LIFECYCLE_STEPS:
            errors.append({"element_id": task.element_id, "line": task.line,
                           "message": f"lifecycle '{task.lifecycle}' is not one of "
                                      f"{', '.join(LIFECYCLE_STEPS)}"})
        elif task.lifecycle and task.form_key:
            errors.append({"element_id": task.element_id, "line": task.line,
                           "message": "a life-cycle step is completed by the life cycle "
                                      "itself: it takes no form"})
        if task.allotment and not ALLOTMENT.match(task.allotment):
            errors.append({"element_id": task.element_id, "line": task.line,
                           "message": f"allotment '{task.allotment}' is not like 2d or 4h"})
    if errors:
        raise Invalid("The diagram cannot be deployed.", errors)


def _unknown(what, name) -> str:
    function = functions.relative(name)
    if function is not None:
        return f"{what} names the function '{function}', which no unit has"
    return f"{what} names no unit or role"


def _problem(problem) -> dict:
    item = {"element_id": problem.element_id, "message": problem.message}
    if problem.line is not None:
        item["line"] = problem.line
    return item


def _task_dict(task) -> dict:
    return {"element_id": task.element_id, "name": task.name, "lane": task.lane,
            "candidate_groups": list(task.candidate_groups), "form_key": task.form_key,
            "allotment": task.allotment, "lifecycle": task.lifecycle}
