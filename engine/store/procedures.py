"""Procedures (the catalogue), their deployed versions and forms."""
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Json, UTCDateTime, db


class Procedure(db.Model):
    __tablename__ = "procedure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(255), default="")
    agency_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    level: Mapped[str] = mapped_column(String(32), default="province")
    statutory_value: Mapped[int] = mapped_column(Integer)
    statutory_unit: Mapped[str] = mapped_column(String(16))
    clock_policy: Mapped[str] = mapped_column(String(16), default="restart")
    details: Mapped[dict] = mapped_column(Json, default=dict)  # fee, documents, online level
    created_at = mapped_column(UTCDateTime, nullable=False)
    agency = relationship("Unit")
    versions: Mapped[list["ProcedureVersion"]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.number")


class ProcedureVersion(db.Model):
    __tablename__ = "procedure_version"
    __table_args__ = (UniqueConstraint("procedure_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    process_id: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[bytes] = mapped_column(LargeBinary)
    spec_json: Mapped[str] = mapped_column(Text)
    user_tasks: Mapped[list] = mapped_column(Json)
    warnings: Mapped[list] = mapped_column(Json, default=list)
    deployed_by: Mapped[str] = mapped_column(String(64))
    deployed_at = mapped_column(UTCDateTime, nullable=False)
    procedure: Mapped[Procedure] = relationship(back_populates="versions")
    forms: Mapped[list["Form"]] = relationship(order_by="Form.key")


class Form(db.Model):
    """A form-js document uploaded with a version; its key is the document id."""
    __tablename__ = "form"
    __table_args__ = (UniqueConstraint("version_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"))
    key: Mapped[str] = mapped_column(String(255))
    definition: Mapped[dict] = mapped_column(Json)
