"""The append-only event log, hash-chained per stream.

Each row's hash is an HMAC-SHA256 under the audit key named by `key_id` (keys
live outside the database, `engine.kernel.audit`); rows written before keyed hashing
have no key id and a plain SHA-256.

A stream is a dossier's code, or `unit:CODE`, `user:NAME`, `procedure:CODE`.
`(stream, seq)` is unique, so two writers can never fork a chain: the loser of
a race fails its whole transaction.
"""
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Json, UTCDateTime, db


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("stream", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stream: Mapped[str] = mapped_column(String(128))
    seq: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    at = mapped_column(UTCDateTime, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[dict] = mapped_column(Json)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(32))
