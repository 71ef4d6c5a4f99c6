from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import UTCDateTime, utcnow
from ..units.models import Unit


class Team(db.Model):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Published on posters and in the field app for villagers who cannot sign in; set by the leader.
    public_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    members: Mapped[list["TeamMember"]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.id"
    )


class TeamMember(db.Model):
    """Membership by phone number: a leader adds people who may not have signed in yet."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")
