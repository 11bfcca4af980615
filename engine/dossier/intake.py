"""Opening dossiers, their codes, reading and listing them, and their history."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..catalogue.procedures import active_version, get_procedure
from ..deadlines import statutory, steps, timers
from ..deadlines.ladder import transfer_by
from ..deadlines.worktime import VN
from ..kernel import events, logs
from ..kernel.errors import Conflict, Invalid, NotFound
from ..kernel.queries import paginate
from ..kernel.uow import unit_of_work
from ..people.access import load_visible_dossier, require_role, visible_filter
from ..people.directory import agency_code_of
from ..store.dossiers import Dossier, DossierSequence
from ..store.events import Event
from ..store.people import Unit
from ..store.procedures import ProcedureVersion
from . import handling, projection
from . import status as states
from . import supplements, workflow

CHANNELS = ("direct", "online", "post")
OUTCOMES = ("received", "supplement", "refused")  # the desk's three, for every channel


def open_dossier(ctx, procedure, applicant, channel, data=None, receiving_unit=None,
                 outcome=None, missing=(), note="", reason="", handling_unit=None) -> Dossier:
    """A dossier at a desk (`direct`, `post`: received, sent back for papers, or
    refused on the spot) or an online submission waiting as new; handled by
    `handling_unit` (`engine.dossier.handling`), checked before anything is stored."""
    require_role(ctx.actor, "reception")
    if channel == "online" and outcome is not None:
        raise Invalid("An online submission waits as new: receive, send back or refuse it "
                      "afterwards.", [{"field": "outcome", "message": "not for online"}])
    fields = {"applicant": applicant, "channel": channel, "data": data or {}}
    where = (procedure, receiving_unit, handling_unit)
    if outcome in (None, "received") and channel != "online":
        return _receive_at_desk(ctx, where, fields)
    with unit_of_work(ctx) as session:
        version, unit, fields["handling_unit"] = _where(session, ctx.actor, *where)
        dossier = _new(ctx, session, _next_code(session, unit, ctx.now()), version, unit, fields)
        projection.sync_parties(session, dossier)
        if channel == "online":
            events.record(ctx, "dossier.submitted", dossier=dossier, detail={"channel": channel})
        elif outcome == "supplement":
            supplements.send_back(ctx, dossier, missing, note)
        else:
            states.move(dossier, states.REFUSED)
            events.record(ctx, "dossier.refused", dossier=dossier, detail={"reason": reason})
    return dossier


def _receive_at_desk(ctx, where, fields) -> Dossier:
    """Received on the spot. The dossier's code is taken first, in its own
    short transaction (like a database sequence: never given twice, skipped if
    the reception then fails); the diagram's first steps run with no
    transaction open, on the version active then; then one unit of work writes
    the dossier, on that same version, and its run."""
    with unit_of_work(ctx) as session:
        version, unit, _handling = _where(session, ctx.actor, *where)
        code = _next_code(session, unit, ctx.now())
        instance = workflow.start(ctx, version, first_data(code, **fields))
        version_id = version.id
    logs.note_dossier(code)
    ctx.session.rollback()  # nothing of the session stays open while the diagram runs
    failure = workflow.run(instance)
    with unit_of_work(ctx) as session:
        version, unit, handling_unit = _where(session, ctx.actor, *where, version_id=version_id)
        dossier = _new(ctx, session, code, version, unit,
                       {**fields, "handling_unit": handling_unit})
        receive_now(ctx, dossier, instance, failure)
    return dossier


def _where(session, actor, procedure, receiving_unit, handling_unit, version_id=None):
    """The version a new dossier runs (the active one, or `version_id` once
    chosen), the desk receiving it and the unit handling it (all checked)."""
    proc = get_procedure(session, procedure)
    version = session.get(ProcedureVersion, version_id) if version_id else active_version(proc)
    if version is None:
        raise Invalid(f"Procedure {procedure} has no deployed version.",
                      [{"field": "procedure", "message": "no deployed version"}])
    desk = _receiving_unit(session, actor, receiving_unit)
    return version, desk, handling.handling_unit(session, proc, version, handling_unit)


def _new(ctx, session, code, version, unit, fields) -> Dossier:
    now = ctx.now()
    dossier = Dossier(code=code, procedure=version.procedure, version=version,
                      receiving_unit=unit, created_at=now, updated_at=now, status=None,
                      revision=1, **fields)
    states.move(dossier, states.NEW)
    session.add(dossier)
    session.flush()
    return dossier


def first_data(code, applicant, channel, data) -> dict:
    """What a dossier's instance starts with."""
    return {**data, "applicant": applicant, "channel": channel, "dossier_code": code}


def start_snapshot(ctx, dossier) -> workflow.Snapshot:
    """Receiving an existing dossier (`workflow.in_two_phases`): its instance,
    started from its data, runs its first steps before the dossier is locked."""
    data = first_data(dossier.code, dossier.applicant, dossier.channel, dossier.data)
    return workflow.Snapshot(dossier.id, dossier.revision,
                             workflow.start(ctx, dossier.version, data))


def receive_now(ctx, dossier, instance, failure=None):
    """Inside the caller's unit of work: the dossier is received (status, clock,
    event) and its instance's first run, made before, is written."""
    states.move(dossier, states.RECEIVED)
    dossier.received_at = ctx.now()
    dossier.transfer_by = transfer_by(ctx.now(), steps.calendar(ctx),
                                      ctx.settings.transfer_cutoff)
    statutory.start(ctx, dossier)
    events.record(ctx, "dossier.received", dossier=dossier,
                  detail={"channel": dossier.channel, "unit": dossier.receiving_unit.code,
                          "due_at": dossier.due_at.isoformat()})
    workflow.write(ctx, dossier, instance, failure)


def _receiving_unit(session, actor, code) -> Unit:
    if code is None:
        if len(actor.unit_codes) != 1:
            raise Invalid("Name the receiving unit.", [{
                "field": "receiving_unit", "message": "required for a user of several units"}])
        code = actor.unit_codes[0]
    elif code not in actor.unit_codes and "admin" not in actor.roles:
        raise Invalid("You do not belong to that unit.",
                      [{"field": "receiving_unit", "message": "not one of your units"}])
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise Invalid(f"No unit {code}.", [{"field": "receiving_unit", "message": "no such unit"}])
    if agency_code_of(unit) is None:
        raise Invalid("The receiving unit has no agency code.",
                      [{"field": "receiving_unit", "message": "no agency code on unit"}])
    return unit


def _next_code(session, unit, now: datetime) -> str:
    """AGENCY-YYMMDD-NNNN, the sequence taken atomically by an upsert."""
    agency, day = agency_code_of(unit), now.astimezone(VN).date()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = DossierSequence.__table__
    stmt = (dialect.insert(table).values(agency_code=agency, day=day, last=1)
            .on_conflict_do_update(index_elements=[table.c.agency_code, table.c.day],
                                   set_={"last": table.c.last + 1})
            .returning(table.c.last))
    number = session.execute(stmt).scalar_one()
    return f"{agency}-{day:%y%m%d}-{number:04d}"


def retry(ctx, code, data=None) -> Dossier:
    """Run a dossier's failed step again, optionally with corrected data; the
    diagram's code runs before the dossier is locked (`workflow.in_two_phases`)."""
    require_role(ctx.actor, "leader")

    def prepare():
        dossier = load_visible_dossier(ctx.session, ctx.actor, code)
        if not dossier.incident:
            raise Conflict(f"Dossier {code} has no incident to retry.")
        states.require(dossier, *states.WORKING, doing="retry it")  # not while it waits
        instance = workflow.load(ctx, dossier)
        return workflow.Snapshot(dossier.id, dossier.revision, instance,
                                 lambda: instance.retry(data),  # a failure: the incident again
                                 extra={"reset": instance.failed_steps()})

    def finish(dossier, snapshot):
        reset = snapshot.extra["reset"] + timers.revive(ctx.session, dossier)
        events.record(ctx, "dossier.retried", dossier=dossier,
                      element_id=dossier.incident.get("element_id"),
                      detail={"reset": reset, "data": data or {}})
        workflow.write(ctx, dossier, snapshot.instance, snapshot.failure)
        return dossier

    return workflow.in_two_phases(ctx, prepare, finish)


def get_dossier(ctx, code) -> Dossier:
    return load_visible_dossier(ctx.session, ctx.actor, code)


def list_dossiers(ctx, status=None, procedure=None, unit=None, overdue=False, due_before=None,
                  page=1, per_page=50, code=None):
    query = select(Dossier)
    clause = visible_filter(ctx.session, ctx.actor)
    if clause is not None:
        query = query.where(clause)
    if code:  # part of the code, as people type it
        query = query.where(Dossier.code.contains(code.strip().upper(), autoescape=True))
    if status:
        query = query.where(Dossier.status == status)
    if procedure:
        query = query.where(Dossier.procedure.has(code=procedure))
    if unit:
        query = query.where(Dossier.receiving_unit.has(code=unit))
    if overdue:  # open, its clock running, past its due time
        query = query.where(Dossier.due_at < ctx.now(), states.clock_running())
    if due_before:
        query = query.where(Dossier.due_at < due_before)
    return paginate(ctx.session, query.order_by(Dossier.id.desc()), page, per_page)


def history(ctx, code) -> list[Event]:
    dossier = load_visible_dossier(ctx.session, ctx.actor, code)
    return list(ctx.session.scalars(
        select(Event).where(Event.stream == dossier.code).order_by(Event.seq)))


def track(ctx, code) -> Dossier:
    """The public tracking view's dossier: anyone with the code (personal data is not shown)."""
    dossier = ctx.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise NotFound(f"No dossier {code}.")
    return dossier
