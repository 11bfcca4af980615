"""Appending to and verifying the keyed, hash-chained event log.

Every state change calls `record` inside its unit of work, so the change and
its event commit together, with the dossier's report facts folded from it
(`report_facts`). Each row's hash is an HMAC (`engine.kernel.audit`) over
its content and the previous row's hash in the same stream, under the keyring
of the context's settings; `verify_stream` and `verify_all` recompute the
chains with the keyring they are given. Reads of personal data are logged by
`record_read`, in a transaction of their own.
"""
import json
from dataclasses import dataclass

from sqlalchemy import select

from ..store.dossiers import Dossier
from ..store.events import Event
from . import audit, report_facts
from .uow import unit_of_work

GENESIS = "0" * 64


def record(ctx, type_: str, *, dossier=None, stream=None, task_id=None, element_id=None,
           detail=None):
    stream = dossier.code if dossier is not None else stream
    row = _append(ctx, type_, stream, dossier.id if dossier is not None else None,
                  task_id=task_id, element_id=element_id, detail=detail)
    if dossier is not None:
        report_facts.record(ctx.session, dossier, row)
    return row


def record_read(ctx, type_: str, *, stream: str, dossier_id: int | None = None,
                detail=None):
    """Log that the actor read dossier `stream`'s personal data (`dossier.viewed`,
    `document.downloaded`), committed at once in a unit of work of its own. On
    PostgreSQL the dossier's row lock comes first, as for every command, so the
    read takes its place in the chain instead of racing a command for it; on
    SQLite the write lock already orders them: a SELECT and an INSERT."""
    with unit_of_work(ctx) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres or dossier_id is None:
            query = select(Dossier.id).where(Dossier.code == stream)
            dossier_id = session.scalar(query.with_for_update() if postgres else query)
        return _append(ctx, type_, stream, dossier_id, detail=detail)


def _append(ctx, type_, stream, dossier_id, *, task_id=None, element_id=None, detail=None):
    session = ctx.session
    last = session.execute(
        select(Event.seq, Event.hash).where(Event.stream == stream)
        .order_by(Event.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    row = Event(stream=stream, seq=seq, dossier_id=dossier_id, type=type_, at=ctx.now(),
                actor=ctx.actor.username, task_id=task_id, element_id=element_id,
                detail=detail or {}, prev_hash=prev)
    row.key_id, row.hash = audit.keyring(ctx.settings).seal(sealed_text(row))
    session.add(row)
    session.flush()
    return row


def sealed_text(row) -> str:
    """The sealed content: everything but the row's id, hash and key id."""
    body = {"stream": row.stream, "seq": row.seq, "type": row.type,
            "at": row.at.isoformat(timespec="microseconds"), "actor": row.actor,
            "task_id": row.task_id, "element_id": row.element_id, "detail": row.detail,
            "prev": row.prev_hash}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Broken:
    stream: str
    seq: int
    reason: str


class _Chain:
    """Walks one stream's rows in order; `check` names what is wrong with a row."""

    def __init__(self, ring):
        self.ring, self.prev, self.seq, self.keyed = ring, GENESIS, 0, False

    def check(self, row) -> str | None:
        if row.seq != self.seq + 1:
            return f"sequence jumps from {self.seq} to {row.seq}"
        if row.prev_hash != self.prev:
            return "does not follow the previous event's hash"
        if row.key_id is None and self.keyed:
            return "unkeyed after keyed events"
        expected = self.ring.digest(row.key_id, sealed_text(row))
        if expected is None:
            return f"sealed with an unknown key {row.key_id!r}"
        if expected != row.hash:
            return "its content does not match its hash"
        self.prev, self.seq, self.keyed = row.hash, row.seq, self.keyed or bool(row.key_id)
        return None


def verify_stream(session, stream: str, keyring: audit.Keyring) -> int | None:
    """Return the seq of the first row that breaks the chain under `keyring`, or None
    if intact."""
    chain = _Chain(keyring)
    for row in session.execute(select(*Event.__table__.c).where(Event.stream == stream)
                               .order_by(Event.seq)):
        if chain.check(row) is not None:
            return row.seq
    return None


def verify_all(session, keyring: audit.Keyring) -> tuple[dict, Broken | None]:
    """Walk every stream under `keyring`; returns counts (`streams`, `events`,
    `unkeyed`) and the first broken event (by stream, then sequence), or None when
    all verify."""
    counts, chain, stream = dict(streams=0, events=0, unkeyed=0), None, None
    rows = session.execute(select(*Event.__table__.c).order_by(Event.stream, Event.seq)
                           .execution_options(yield_per=1000))
    for row in rows:
        if row.stream != stream:
            chain, stream = _Chain(keyring), row.stream
            counts["streams"] += 1
        counts["events"] += 1
        counts["unkeyed"] += row.key_id is None
        reason = chain.check(row)
        if reason is not None:
            rows.close()
            return counts, Broken(row.stream, row.seq, reason)
    return counts, None
