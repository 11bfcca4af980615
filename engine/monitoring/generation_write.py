"""Writing a batch of generated dossiers: bulk inserts, one transaction a batch.

Rows are plain dicts inserted with SQLAlchemy Core (`insert()` over a list: the
driver's many-row inserts), never ORM objects. The dossiers go first, their ids
returned in order; then their steps and candidates, parties, live timers,
events and report facts (folded from those events by `engine.kernel.report_facts`).
Each dossier's events start its own stream (its code) and are chained
and sealed exactly as `engine.kernel.events` seals one (`sealed_text`, the keyring of
the settings), so `audit verify` walks them like any other. The dossier code
sequence (`dossier_sequence`) is raised to the last number used per receiving
agency and day, in the same transaction, so the desks go on numbering after
the generated dossiers.
"""
from collections import namedtuple
from datetime import timezone
from types import SimpleNamespace

from sqlalchemy import JSON, case, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..kernel import audit, events, report_facts
from ..kernel.uow import unit_of_work
from ..store.dossiers import Dossier, DossierParty, DossierSequence, Task, TaskCandidate
from ..store.events import Event
from ..store.facts import DossierFacts
from ..store.procedures import Procedure
from ..store.timers import Timer

Sealable = namedtuple("Sealable", "stream seq type at actor task_id element_id detail prev_hash")


def chain(ring, code: str, happened: list[dict]) -> list[dict]:
    """The dossier's events as rows of its own stream, each sealed over the previous."""
    prev = events.GENESIS
    for seq, event in enumerate(happened, 1):
        at = event["at"] = event["at"].astimezone(timezone.utc)
        text = events.sealed_text(Sealable(code, seq, event["type"], at, event["actor"],
                                           event["task_id"], event["element_id"],
                                           event["detail"], prev))
        key_id, digest = ring.seal(text)
        event.update(stream=code, seq=seq, prev_hash=prev, hash=digest, key_id=key_id)
        prev = digest
    return happened


def keyring(ctx):
    return audit.keyring(ctx.settings)


def write(ctx, batch: list[dict], numbers: dict) -> None:
    """Insert `batch` (each: `dossier`, `tasks`, `candidates`, `parties`, `timers`,
    `events`) and raise the code sequence to `numbers` ((agency, day): last)."""
    with unit_of_work(ctx) as session:
        table = Dossier.__table__
        ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                              [item["dossier"] for item in batch]).scalars().all()
        spot = [dossier_id for dossier_id, item in zip(ids, batch) if item["on_the_spot"]]
        if spot:  # what the ORM stores when a desk reception clears the incident it never had
            session.execute(update(table).where(table.c.id.in_(spot)).values(incident=JSON.NULL))
        children = {"tasks": [], "candidates": [], "parties": [], "timers": [], "events": []}
        for dossier_id, item in zip(ids, batch):
            for name in ("tasks", "timers", "events"):
                for row in item[name]:
                    row["dossier_id"] = dossier_id
                children[name] += item[name]
            children["candidates"] += item["candidates"]
            children["parties"] += [{"dossier_id": dossier_id, "party": party}
                                    for party in item["parties"]]
        procedures = {row.id: row for row in session.execute(
            select(Procedure.id, Procedure.level, Procedure.field))}
        children["facts"] = [facts for dossier_id, item in zip(ids, batch)
                             for facts in [_facts(dossier_id, item, procedures)]
                             if facts is not None]
        for name, model in (("tasks", Task), ("candidates", TaskCandidate),
                            ("parties", DossierParty), ("timers", Timer), ("events", Event),
                            ("facts", DossierFacts)):
            if children[name]:
                session.execute(insert(model.__table__), children[name])
        _raise_sequence(session, numbers)


def _facts(dossier_id, item, procedures) -> dict | None:
    """The dossier's report facts, folded from its events as the services fold them
    (None for a dossier no event entered)."""
    dossier = SimpleNamespace(**{**item["dossier"], "id": dossier_id})
    return report_facts.folded(report_facts.first_facts(
        dossier, procedures[dossier.procedure_id]), item["events"])


def _raise_sequence(session, numbers: dict) -> None:
    if not numbers:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = DossierSequence.__table__
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.agency_code, table.c.day],
        set_={"last": case((stmt.excluded.last > table.c.last, stmt.excluded.last),
                           else_=table.c.last)})
    session.execute(stmt, [{"agency_code": agency, "day": day, "last": last}
                           for (agency, day), last in sorted(numbers.items())])
