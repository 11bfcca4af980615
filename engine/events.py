"""Appending to and verifying the hash-chained event log.

Every state change calls `record` inside its unit of work, so the change and
its event commit together. Each row's hash covers its content and the previous
row's hash in the same stream; `verify_stream` recomputes the chain.
"""
import hashlib
import json

from sqlalchemy import select

from .store.events import Event

GENESIS = "0" * 64


def record(ctx, type_: str, *, dossier=None, stream=None, task_id=None, element_id=None,
           detail=None):
    session = ctx.session
    stream = dossier.code if dossier is not None else stream
    last = session.execute(
        select(Event.seq, Event.hash).where(Event.stream == stream)
        .order_by(Event.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    row = Event(stream=stream, seq=seq, dossier_id=dossier.id if dossier is not None else None,
                type=type_, at=ctx.now(), actor=ctx.actor.username, task_id=task_id,
                element_id=element_id, detail=detail or {}, prev_hash=prev)
    row.hash = _digest(row)
    session.add(row)
    session.flush()
    return row


def _digest(row: Event) -> str:
    body = {"stream": row.stream, "seq": row.seq, "type": row.type,
            "at": row.at.isoformat(timespec="microseconds"), "actor": row.actor,
            "task_id": row.task_id, "element_id": row.element_id, "detail": row.detail,
            "prev": row.prev_hash}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def verify_stream(session, stream: str) -> int | None:
    """Return the seq of the first row that breaks the chain, or None if intact."""
    prev = GENESIS
    for row in session.scalars(select(Event).where(Event.stream == stream).order_by(Event.seq)):
        if row.prev_hash != prev or _digest(row) != row.hash:
            return row.seq
        prev = row.hash
    return None
