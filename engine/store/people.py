"""Units (organisation tree with agency codes), users, their roles and units;
revoked tokens and the throttles' counters.

A token names its user's token generation: changing a password, or an admin
deactivating the user or setting a password, moves the generation on, and every
earlier token stops working. A logged-out token's id is kept until it expires.
"""
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db

ROLES = ("admin", "designer", "reception", "officer", "leader", "supervisor")

user_units = Table(
    "user_unit",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    agency_code: Mapped[str | None] = mapped_column(String(32))
    # the part it plays inside its agency (`desk`, `civil_status`, ...): `@function` lanes
    function: Mapped[str | None] = mapped_column(String(64))
    parent: Mapped["Unit | None"] = relationship(remote_side=[id])


class User(db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at = mapped_column(UTCDateTime, nullable=False)
    units: Mapped[list[Unit]] = relationship(secondary=user_units, order_by=Unit.code)
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", order_by="UserRole.role")

    @property
    def roles(self) -> list[str]:
        return [row.role for row in self.role_rows]


class UserRole(db.Model):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class RevokedToken(db.Model):
    """A token logged out before it expired; forgotten once it would have expired."""
    __tablename__ = "revoked_token"
    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at = mapped_column(UTCDateTime, nullable=False, index=True)


class Throttle(db.Model):
    """Attempts counted in a fixed window for one kind (`login_user`,
    `login_address`, `public`) and key (a username or an address)."""
    __tablename__ = "throttle"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at = mapped_column(UTCDateTime, nullable=False, index=True)
