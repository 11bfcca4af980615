"""The handling unit of a dossier: choosing it at reception, and moving a
dossier sent to the wrong commune.

A province-level procedure is handled by its agency; a commune-level one by
the commune named at reception, which must lie under the procedure's agency
and hold every function the version's `@function` lanes name. A leader
working in the handling unit, or in it or a unit above it, may move an open
dossier to another such unit: its open steps whose candidates come from
`@function` follow it (same task ids, new candidates, parties again), in the
event log as `dossier.moved`. `choices` lists the units a desk may name.
"""
from sqlalchemy import select

from ..catalogue.procedures import active_version
from ..kernel import events
from ..kernel.errors import Forbidden, Invalid
from ..kernel.uow import unit_of_work
from ..people import functions
from ..people.access import load_visible_dossier, managed_groups, require_role, within
from ..store.people import Unit
from . import projection, status, workflow

FIELD = "handling_unit"


def handling_unit(session, procedure, version, code, field=FIELD) -> Unit:
    """The checked handling unit of a new dossier (`code` None: the default)."""
    if code is None:
        if procedure.level == "commune":
            raise Invalid("Name the commune handling this commune-level procedure.",
                          [{"field": field, "message": "required (commune-level)"}])
        unit = procedure.agency
    else:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise Invalid(f"No unit {code}.", [{"field": field, "message": "no such unit"}])
    if not functions.lies_under(unit, procedure.agency):
        raise Invalid(f"{unit.code} is not under {procedure.agency.code}, the procedure's "
                      "agency.", [{"field": field, "message": f"not under "
                                                              f"{procedure.agency.code}"}])
    missing = [name for name in functions.named_functions(version.user_tasks)
               if functions.find(session, unit, name) is None]
    if missing:
        raise Invalid(f"{unit.code} has no unit for the function "
                      f"{', '.join(missing)} that the procedure's steps need.",
                      [{"field": field, "message": f"no unit with the function '{name}'"}
                       for name in missing])
    return unit


def choices(session, procedure) -> list[Unit]:
    """The units a desk may name as a new dossier's handling unit, by name: for a
    commune-level procedure the units below its agency with an agency code of their
    own (the communes) that pass `handling_unit` for its active version; for a
    province-level one its agency."""
    version = active_version(procedure)
    if procedure.level != "commune" or version is None:
        return [procedure.agency]
    needed = functions.named_functions(version.user_tasks)
    agencies = session.scalars(select(Unit).where(Unit.agency_code.is_not(None),
                                                  Unit.id != procedure.agency.id)).all()
    return sorted((unit for unit in agencies if functions.lies_under(unit, procedure.agency)
                   and all(functions.find(session, unit, name) for name in needed)),
                  key=lambda unit: unit.name)


def move(ctx, code, unit, reason):
    """Move a dossier to another handling unit (a leader of the current one)."""
    require_role(ctx.actor, "leader")
    with unit_of_work(ctx) as session:
        dossier = workflow.lock(session, load_visible_dossier(session, ctx.actor, code).id)
        before = dossier.handling_unit
        leads = within(session, ctx.actor) | managed_groups(session, ctx.actor)
        if "admin" not in ctx.actor.roles and before.code not in leads:
            raise Forbidden(f"Only a leader of {before.code}, the unit handling dossier "
                            f"{code}, may move it.")
        status.require(dossier, *status.OPEN, doing="move it")
        after = handling_unit(session, dossier.procedure, dossier.version, unit, field="unit")
        if after.id == before.id:
            raise Invalid(f"{after.code} already handles dossier {code}.",
                          [{"field": "unit", "message": "already its handling unit"}])
        dossier.handling_unit = after
        moved = _follow(ctx, dossier)
        projection.sync_parties(session, dossier)
        workflow.touch(ctx, dossier)
        events.record(ctx, "dossier.moved", dossier=dossier, detail={
            "from": before.code, "to": after.code, "reason": reason, "tasks": moved})
    return dossier


def _follow(ctx, dossier) -> list[dict]:
    """Open steps re-resolved against the new handling unit; a step whose
    candidates change loses its assignee (who may no longer see it)."""
    specs = {spec["element_id"]: spec for spec in dossier.version.user_tasks}
    moved = []
    for task in dossier.open_tasks:
        spec = specs.get(task.element_id, {})
        groups = projection.groups_for(ctx.session, dossier, spec, spec.get("lane"))
        if not groups or set(groups) == set(task.candidate_groups):
            continue
        moved.append({"task_id": task.id, "from": task.candidate_groups, "to": groups})
        projection.replace_candidates(task, groups)
        task.assignee = None
    ctx.session.flush()
    return moved
