"""Timers as rows: every deadline the scheduler must act on.

Kinds: `bpmn` (a timer event drawn in the diagram), `reminder`, `step_due`,
`escalation` (the ladder of a task), `dossier_due`. A scheduler claims due rows
by setting a lease (`lock_owner`, `lock_expires_at`), fires each in its own
transaction together with `fired_at`, and retries failures with backoff.
"""
from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Json, UTCDateTime, db

LIVE = "fired_at IS NULL AND cancelled_at IS NULL"
KINDS = ("bpmn", "reminder", "step_due", "escalation", "dossier_due")


class Timer(db.Model):
    __tablename__ = "timer"
    __table_args__ = (
        # only live rows: the claim's cost follows the due timers, not the history
        Index("ix_timer_due_unfired", "due_at", postgresql_where=text(LIVE),
              sqlite_where=text(LIVE)),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))  # engine task (bpmn) or task row
    element_id: Mapped[str | None] = mapped_column(String(255))
    due_at = mapped_column(UTCDateTime, nullable=False)
    fired_at = mapped_column(UTCDateTime)
    cancelled_at = mapped_column(UTCDateTime)
    lock_owner: Mapped[str | None] = mapped_column(String(64))
    lock_expires_at = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(Json, default=dict)
    dossier = relationship("Dossier")
