"""The administrator's calendar overrides: they win over the holidays data."""
from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db


class CalendarOverride(db.Model):
    __tablename__ = "calendar_override"
    day = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # day_off | working_day
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, nullable=False)
