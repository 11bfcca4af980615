"""The world a generated year of dossiers lives in, read once from the database:
the deployed procedures (active versions, user task specs, policies), the units
that may handle each one, the desks that receive, and who may do what.

A commune-level procedure is handled by every unit under its agency that has an
agency code and passes the reception's own check (`engine.dossier.handling`: it
holds every function the version's lanes name, e.g. each demo commune); a
province-level one by its agency. A desk is a unit with the `desk` function and
at least one reception officer. A step's candidates are resolved as the
services resolve them (`@function`, `@desk`), and the people who may take it
are the members of those units or holders of those roles. Without a deployed
procedure that someone can handle, or without a desk, the demo is not loaded:
a `Conflict` says so. What the generation reads per dossier is kept as plain
values (`Spot`, `Service`), not as rows of the session.
"""
from dataclasses import dataclass, field
from math import sqrt

from sqlalchemy import select

from ..catalogue.procedures import active_version, version_forms
from ..deadlines.calendar import calendar_for
from ..dossier.handling import handling_unit
from ..kernel.errors import Conflict, Invalid
from ..kernel.settings import policy_for
from ..people import functions
from ..people.directory import agency_code_of
from ..store.people import Unit, User
from ..store.procedures import Procedure

DESK = "desk"
NOT_LOADED = ("No procedure, desk or staff to generate dossiers with: load the demo first "
              "(flask --app wsgi load-demo).")


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    roles: frozenset
    units: tuple


@dataclass(frozen=True)
class Spot:
    """A unit, as plain values."""
    id: int
    code: str
    name: str
    agency_code: str | None


@dataclass
class Service:
    """One procedure with its active version, as the generator uses it."""
    code: str
    procedure_id: int
    version: object  # the ProcedureVersion, for the template walks only
    version_id: int
    commune_level: bool
    statutory_value: int
    statutory_unit: str
    clock_policy: str
    documents: list
    forms: dict
    specs: dict  # element_id: user task spec
    policy: object  # Settings with the procedure's policy over them
    handling: list  # Spots that may handle it
    weight: float
    templates: dict = field(default_factory=dict)  # variant: generation_templates.Template

    def due(self, table, start):
        """The statutory due time of a clock started at `start` (`statutory.start`)."""
        return table.statutory_due(start, self.statutory_value, self.statutory_unit)


class World:
    def __init__(self, ctx):
        session = ctx.session
        self.session, self.settings = session, ctx.settings
        self._members, self._groups, self._local = {}, {}, {}
        self.calendar = calendar_for(session, ctx.settings.office_hours)
        self.units = {unit.code: unit for unit in session.scalars(select(Unit))}
        self.people = [_person(user) for user in session.scalars(
            select(User).where(User.active.is_(True)).order_by(User.username))]
        self.desks = [self.spot(code) for code, unit in sorted(self.units.items())
                      if unit.function == DESK and self.receptionists(code)
                      and agency_code_of(unit)]
        self.services = [service for service in map(self._service, _procedures(session))
                         if service is not None]
        if not self.services or not self.desks:
            raise Conflict(NOT_LOADED)
        communes = [spot for s in self.services if s.commune_level for spot in s.handling]
        self.central_desks = [desk for desk in self.desks if not any(
            self._under(desk, unit) for unit in communes)]

    def spot(self, code: str) -> Spot:
        unit = self.units[code]
        return Spot(unit.id, unit.code, unit.name, agency_code_of(unit))

    def _under(self, spot, ancestor) -> bool:
        return functions.lies_under(self.units[spot.code], self.units[ancestor.code])

    def members(self, group: str) -> list[Person]:
        """Who may claim a step offered to `group` (a unit code or a role name)."""
        if group not in self._members:
            self._members[group] = [p for p in self.people
                                    if group in p.units or group in p.roles]
        return self._members[group]

    def receptionists(self, desk: str) -> list[Person]:
        return [p for p in self.members(desk) if "reception" in p.roles]

    def leaders(self, unit: str) -> list[Person]:
        """Leaders working in `unit` or a unit below it (`access.within`: who may extend
        or stop its dossiers)."""
        if ("leaders", unit) not in self._members:
            self._members[("leaders", unit)] = [
                p for p in self.people if "leader" in p.roles
                and any(unit in self._ancestry(code) for code in p.units)]
        return self._members[("leaders", unit)]

    def _ancestry(self, code: str) -> set[str]:
        found, unit = set(), self.units.get(code)
        while unit is not None:
            found.add(unit.code)
            unit = unit.parent
        return found

    def groups(self, service, element_id, lane, handling, desk) -> list[str]:
        """A step's candidate groups for a dossier, as `projection.groups_for` gives them."""
        key = (service.code, element_id, lane, handling.code, desk.code)
        if key not in self._groups:
            spec = service.specs.get(element_id, {})
            named = spec.get("candidate_groups") or ([lane] if lane else [])
            resolved = [functions.resolve(self.session, name, self.units[handling.code],
                                          self.units[desk.code]) for name in named]
            self._groups[key] = list(dict.fromkeys(resolved))
        return self._groups[key]

    def local_desks(self, handling) -> list[Spot]:
        if handling.code not in self._local:
            self._local[handling.code] = [desk for desk in self.desks
                                          if self._under(desk, handling)]
        return self._local[handling.code]

    def settle(self) -> None:
        """Resolve every step's candidates for every handling unit and desk now, so
        nothing more is read from the session during the writes."""
        for service in self.services:
            for handling in service.handling:
                self.local_desks(handling)
                self.leaders(handling.code)
                for template in service.templates.values():
                    for step in template.steps.values():
                        for desk in self.desks:
                            for group in self.groups(service, step.element_id, step.lane,
                                                     handling, desk):
                                self.members(group)

    def _service(self, procedure):
        version = active_version(procedure)
        if version is None:
            return None
        handling = [self.spot(unit.code) for unit in self._candidates(procedure, version)
                    if self._staffed(version, unit)]
        if not handling:
            return None
        details = procedure.details or {}
        return Service(
            procedure.code, procedure.id, version, version.id, procedure.level == "commune",
            procedure.statutory_value, procedure.statutory_unit, procedure.clock_policy,
            list(details.get("documents") or []), version_forms(self.session, version),
            {spec["element_id"]: spec for spec in version.user_tasks},
            policy_for(self.settings, procedure), handling, _weight(procedure))

    def _candidates(self, procedure, version) -> list:
        if procedure.level != "commune":
            return [procedure.agency]
        found = []
        for code, unit in sorted(self.units.items()):
            if unit.id == procedure.agency.id or not unit.agency_code or \
                    not functions.lies_under(unit, procedure.agency):
                continue
            try:
                found.append(handling_unit(self.session, procedure, version, code))
            except Invalid:
                continue  # a unit without the functions the steps need
        return found

    def _staffed(self, version, unit) -> bool:
        """Someone may take each of the version's steps (bar the desk's) in `unit`."""
        for spec in version.user_tasks:
            for name in spec.get("candidate_groups") or [spec.get("lane")]:
                if name and functions.relative(name) != DESK and not self.members(
                        functions.resolve(self.session, name, unit, unit)):
                    return False
        return True


def _procedures(session) -> list:
    return list(session.scalars(select(Procedure).order_by(Procedure.code)))


def _person(user) -> Person:
    return Person(user.id, user.username, frozenset(user.roles),
                  tuple(unit.code for unit in user.units))


def _weight(procedure) -> float:
    """Quick procedures are asked for more often (a birth more than a land title):
    one over the square root of the statutory time in working days."""
    days = {"working_days": 1, "hours": 1 / 8, "days": 5 / 7}.get(procedure.statutory_unit, 1)
    return 1 / sqrt(max(procedure.statutory_value * days, 0.125))
