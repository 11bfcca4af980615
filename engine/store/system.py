"""Process-level bookkeeping: scheduler heartbeats, the acceptance-run clock."""
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db


class Heartbeat(db.Model):
    __tablename__ = "heartbeat"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at = mapped_column(UTCDateTime, nullable=False)


class ClockOffset(db.Model):
    """How far the acceptance-run clock is from the wall clock, shared by every
    process (web workers and schedulers) through the database."""
    __tablename__ = "clock_offset"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    offset_us: Mapped[int] = mapped_column(BigInteger)
