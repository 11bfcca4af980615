"""The report's facts: one narrow row per dossier, folded from its events as
they are recorded (`engine.kernel.report_facts`), so that the supervisors'
reports read a row per dossier instead of its whole event stream.

Every instant is set once, by the first event that brings it, and never
changed: a past period's report reads the same row tomorrow. The one-stop
rules bound what a dossier lives through (one send-back at the desk, one
supplement during processing, one extension), so fixed columns hold it. The
counters count the documents attached before the dossier closed.
"""
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db


class DossierFacts(db.Model):
    __tablename__ = "dossier_facts"
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    channel: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))  # the procedure's, when it entered
    field: Mapped[str] = mapped_column(String(255))  # the procedure's, when it entered
    receiving_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    handling_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # when it entered
    entered_at = mapped_column(UTCDateTime, nullable=False, index=True)
    sent_back_at = mapped_column(UTCDateTime)  # papers asked for at the desk
    received_at = mapped_column(UTCDateTime)
    appointment_at = mapped_column(UTCDateTime)  # the receipt's due time
    asked_at = mapped_column(UTCDateTime)  # the one supplement during processing
    answered_at = mapped_column(UTCDateTime)
    second_appointment_at = mapped_column(UTCDateTime)  # after that supplement
    apologised_at = mapped_column(UTCDateTime)  # the one extension
    closed_at = mapped_column(UTCDateTime, index=True)
    closed_as: Mapped[str | None] = mapped_column(String(16))
    documents: Mapped[int] = mapped_column(Integer, default=0)
    undigitised: Mapped[int] = mapped_column(Integer, default=0)
    digitised: Mapped[bool | None] = mapped_column(Boolean)  # at its resolution
