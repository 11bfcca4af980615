"""Notifications to users (escalation rungs and the like), with an e-mail outbox."""
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Json, UTCDateTime, db


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_at", "user_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    type: Mapped[str] = mapped_column(String(64))
    at = mapped_column(UTCDateTime, nullable=False)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    timer_id: Mapped[int | None] = mapped_column(Integer)  # the rung that sent it
    message: Mapped[str] = mapped_column(Text)  # free text; "" when `params` say it
    params: Mapped[dict | None] = mapped_column(Json)  # the message of `type`: its parameters
    read_at = mapped_column(UTCDateTime)
    email_to: Mapped[str | None] = mapped_column(String(255))  # None: no e-mail wanted
    emailed_at = mapped_column(UTCDateTime)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_next_at = mapped_column(UTCDateTime)  # after a failure: not before this
    email_error: Mapped[str | None] = mapped_column(Text)
    user = relationship("User")
    dossier = relationship("Dossier")
