"""Unit functions and the relative names that use them.

A unit may carry a `function` (`desk`, `civil_status`, `leader`, ...): the part
it plays inside its agency. A lane or candidate group `@function` names, for
one dossier, the unit with that function in its handling unit: the unit
itself or the nearest one below it (breadth first, ties broken by code);
`@desk` names the desk that received the dossier. Plain unit codes and role
names are left as they are.
"""
import re

from sqlalchemy import select

from ..kernel.errors import Invalid
from ..store.people import Unit

FUNCTION = re.compile(r"^[a-z][a-z0-9_]*$")
DESK = "desk"  # `@desk`: the receiving desk, whatever the handling unit


def check_function(function, field="function"):
    """A function is a free identifier: lower-case letters, digits and `_`."""
    if function is not None and (len(function) > 64 or not FUNCTION.match(function)):
        raise Invalid("A unit's function is an identifier like civil_status.",
                      [{"field": field, "message": "letters a-z, digits and _, a letter "
                                                   "first, at most 64"}])


def relative(name) -> str | None:
    """The function a lane or candidate group names (`@civil_status`), else None."""
    return name[1:] if name and name.startswith("@") else None


def named_functions(user_tasks) -> list[str]:
    """The functions a version's user tasks name in lanes or groups (not `desk`)."""
    found = []
    for task in user_tasks:
        for name in [task.get("lane"), *task.get("candidate_groups", ())]:
            function = relative(name)
            if function and function != DESK and function not in found:
                found.append(function)
    return found


def known_functions(session) -> set[str]:
    return set(session.scalars(select(Unit.function).where(Unit.function.is_not(None))))


def find(session, unit, function) -> Unit | None:
    """The unit with `function`: `unit` itself or the nearest below it, by code."""
    level = [unit]
    while level:
        match = next((u for u in sorted(level, key=lambda u: u.code)
                      if u.function == function), None)
        if match is not None:
            return match
        level = list(session.scalars(select(Unit).where(
            Unit.parent_id.in_([u.id for u in level]))))
    return None


def resolve(session, name, handling_unit, receiving_unit) -> str:
    """The unit code (or role) a lane or group names for one dossier; an
    `@function` the handling unit lacks stays as written (nobody holds it)."""
    function = relative(name)
    if function is None:
        return name
    if function == DESK:
        return receiving_unit.code
    unit = find(session, handling_unit, function)
    return unit.code if unit is not None else name


def lies_under(unit, ancestor) -> bool:
    """`unit` is `ancestor` or lies below it."""
    while unit is not None:
        if unit.id == ancestor.id:
            return True
        unit = unit.parent
    return False
