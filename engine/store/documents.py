"""A dossier's documents: one row per attached file, its metadata and checksum.

The file itself lives under the data folder by a random `storage_name`; a
document reused by another dossier of the same applicant gets its own row
pointing at the same stored file (`reused_from_id`), so nothing is copied.
"""
from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db


class Document(db.Model):
    """One file of a dossier: a submitted document or a result."""
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    # copied from the dossier's applicant: reuse looks documents up by it
    applicant_id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    document_type: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer)
    digitized: Mapped[bool] = mapped_column(Boolean)  # scanned at the desk
    is_result: Mapped[bool] = mapped_column(Boolean)
    reused_from_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    filename: Mapped[str] = mapped_column(String(255))  # the sender's name, for display only
    storage_name: Mapped[str] = mapped_column(String(64))  # random; never the sender's name
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    checksum: Mapped[str] = mapped_column(String(64))  # sha256, hex
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at = mapped_column(UTCDateTime, nullable=False)
