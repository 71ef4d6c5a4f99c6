from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import UTCDateTime, utcnow
from ..units.models import Unit


class Role(StrEnum):
    ADMIN = "admin"
    TEAM_LEADER = "team_leader"
    MONITOR = "monitor"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Role.ADMIN: 3, Role.TEAM_LEADER: 2, Role.MONITOR: 1}


class RoleGrant(db.Model):
    """Made by phone number, so a role can be granted before the person first signs in."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("phone", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
