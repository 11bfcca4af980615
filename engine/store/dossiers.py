"""Dossiers (running instances), their code sequence, and task projections.

`Dossier.revision` is SQLAlchemy's version counter, bumped by every command
(`engine.dossier.workflow.touch`): each write is `UPDATE ... WHERE revision = :seen`,
so a lost race raises StaleDataError
(mapped to 409 by the unit of work), never a lost update. Task rows and
parties are projections written in the same transaction as the state.
"""
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Json, UTCDateTime, db

# engine.dossier.status.STATUSES, repeated here because the store does not import services
STATUSES = ("new", "received", "refused", "processing", "supplement", "withdrawn",
            "stopped", "resolved", "returned", "incident")


class DossierSequence(db.Model):
    """Last number issued per receiving agency and reception day."""
    __tablename__ = "dossier_sequence"
    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Dossier(db.Model):
    """One application for one procedure: its workflow state, data and status."""
    __tablename__ = "dossier"
    __table_args__ = (CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES)
                                      + ")", name="ck_dossier_status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"))
    receiving_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    # the competent unit: the procedure's agency, or a commune under it (`@function` lanes)
    handling_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    national_status: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    applicant: Mapped[dict] = mapped_column(Json)
    data: Mapped[dict] = mapped_column(Json)
    state: Mapped[str | None] = mapped_column(Text)
    incident: Mapped[dict | None] = mapped_column(Json)
    created_at = mapped_column(UTCDateTime, nullable=False)
    received_at = mapped_column(UTCDateTime)
    due_at = mapped_column(UTCDateTime)
    resolved_at = mapped_column(UTCDateTime)
    # the statutory clock: running | paused | stopped; remaining work while paused
    clock_state: Mapped[str | None] = mapped_column(String(16))
    clock_started_at = mapped_column(UTCDateTime)
    transfer_by = mapped_column(UTCDateTime)  # to the competent unit (15:00 cut-off)
    clock_paused_at = mapped_column(UTCDateTime)
    clock_remaining_seconds: Mapped[int | None] = mapped_column(Integer)
    extended_to = mapped_column(UTCDateTime)
    supplement_requested_at = mapped_column(UTCDateTime)  # the one during processing
    overdue_at = mapped_column(UTCDateTime)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}

    procedure = relationship("Procedure")
    version = relationship("ProcedureVersion")
    receiving_unit = relationship("Unit", foreign_keys=[receiving_unit_id])
    handling_unit = relationship("Unit", foreign_keys=[handling_unit_id])
    tasks: Mapped[list["Task"]] = relationship(back_populates="dossier",
                                               order_by="Task.created_at")
    parties: Mapped[list["DossierParty"]] = relationship(cascade="all, delete-orphan")
    documents = relationship("Document", order_by="Document.id", viewonly=True)

    @property
    def open_tasks(self) -> list["Task"]:
        return [task for task in self.tasks if task.status == "open"]


class DossierParty(db.Model):
    """A unit code or role that may see the dossier (receiving, handling, candidate)."""
    __tablename__ = "dossier_party"
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            primary_key=True)
    party: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Task(db.Model):
    """One human step of a dossier; its id is the engine's task id."""
    __tablename__ = "task"
    __table_args__ = (Index("ix_task_open_due", "status", "due_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    form_key: Mapped[str | None] = mapped_column(String(255))
    allotment: Mapped[str | None] = mapped_column(String(16))
    created_at = mapped_column(UTCDateTime, nullable=False)
    due_at = mapped_column(UTCDateTime)
    overdue_at = mapped_column(UTCDateTime)
    ended_at = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    dossier: Mapped[Dossier] = relationship(back_populates="tasks")
    assignee = relationship("User")
    candidates: Mapped[list["TaskCandidate"]] = relationship(
        cascade="all, delete-orphan", order_by="TaskCandidate.party")

    @property
    def candidate_groups(self) -> list[str]:
        return [c.party for c in self.candidates]


class TaskCandidate(db.Model):
    """A unit code or role whose members may claim the task."""
    __tablename__ = "task_candidate"
    task_id: Mapped[str] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"),
                                         primary_key=True)
    party: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
