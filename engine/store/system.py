"""Process-level bookkeeping: scheduler heartbeats."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db


class Heartbeat(db.Model):
    __tablename__ = "heartbeat"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at = mapped_column(UTCDateTime, nullable=False)
