"""Who may see and act on what (API.md, "Who sees what").

A staff user sees a dossier when one of its parties (receiving unit, competent
unit, a task's candidate group) is one of the user's units or their ancestors,
or one of the user's roles; supervisors also see the units below theirs;
admins see everything. What a user may not see is reported as not found.
"""
from sqlalchemy import exists, select

from ..kernel.errors import Forbidden, NotFound
from ..store.dossiers import Dossier, DossierParty
from ..store.people import Unit


def require_role(actor, *roles):
    if not actor.has(*roles):
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")


def visible_parties(session, actor) -> set[str]:
    seen = within(session, actor) | set(actor.roles)
    if "supervisor" in actor.roles:
        seen |= descendants(session, actor.unit_codes)
    return seen


def within(session, actor) -> set[str]:
    """The actor's units and every unit above them: a unit code in this set is
    one the actor works in (the actor's unit is it or lies inside it)."""
    parents = dict(session.execute(select(Unit.code, Unit.parent_id)).all())
    codes_by_id = dict(session.execute(select(Unit.id, Unit.code)).all())
    seen = set(actor.unit_codes)
    for code in actor.unit_codes:
        parent = parents.get(code)
        while parent is not None and codes_by_id[parent] not in seen:
            seen.add(codes_by_id[parent])
            parent = parents.get(codes_by_id[parent])
    return seen


def managed_groups(session, actor) -> set[str]:
    """Candidate groups a leader or supervisor answers for: their units, the
    units below them, and their roles."""
    return set(actor.unit_codes) | descendants(session, actor.unit_codes) | set(actor.roles)


def descendants(session, codes) -> set[str]:
    rows = session.execute(select(Unit.id, Unit.code, Unit.parent_id)).all()
    ids = {row.id for row in rows if row.code in set(codes)}
    found, grew = set(), True
    while grew:
        grew = False
        for row in rows:
            if row.parent_id in ids and row.id not in ids:
                ids.add(row.id)
                found.add(row.code)
                grew = True
    return found


def visible_filter(session, actor):
    """A WHERE clause restricting dossiers to those the actor may see (None: all)."""
    if "admin" in actor.roles:
        return None
    parties = visible_parties(session, actor)
    return exists(select(DossierParty.party).where(
        DossierParty.dossier_id == Dossier.id, DossierParty.party.in_(parties)))


def load_visible_dossier(session, actor, code: str) -> Dossier:
    query = select(Dossier).where(Dossier.code == code)
    clause = visible_filter(session, actor)
    if clause is not None:
        query = query.where(clause)
    dossier = session.scalars(query).first()
    if dossier is None:
        raise NotFound(f"No dossier {code}.")
    return dossier
