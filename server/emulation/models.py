import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import BinaryString, UTCDateTime, utcnow
from ..units.models import Unit


class EmulationTally(db.Model):
    """A member's work in one month (Vietnam's calendar), per service and in total (service "*").

    Kept by the coverage worker (server/emulation/tallies.py): rankings add up months, never
    read assistance records. `days` is filled on the "*" row only."""

    __tablename__ = "emulation_tallies"

    member_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    service: Mapped[str] = mapped_column(String(40), primary_key=True)
    people: Mapped[int] = mapped_column(Integer, default=0)
    successes: Mapped[int] = mapped_column(Integer, default=0)
    pursued: Mapped[int] = mapped_column(Integer, default=0)
    days: Mapped[int] = mapped_column(Integer, default=0)
    # The days of the month (bit 0: the 1st) with a record, so a chunk adds its days without a recount.
    day_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Training(db.Model):
    """A training session (tập huấn) for the teams of a unit; its id is made by the client."""

    __tablename__ = "trainings"
    __table_args__ = (Index("ix_trainings_unit_path_held_on", "unit_path", "held_on"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_path: Mapped[str] = mapped_column(BinaryString(400))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    services: Mapped[list] = mapped_column(JSON, default=list)
    trainer: Mapped[str | None] = mapped_column(String(120))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    attendance: Mapped[list["TrainingAttendance"]] = relationship(
        back_populates="training", cascade="all, delete-orphan", order_by="TrainingAttendance.phone"
    )


class TrainingAttendance(db.Model):
    """A member (by phone, like team membership) attended a training."""

    __tablename__ = "training_attendance"

    training_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    training: Mapped[Training] = relationship(back_populates="attendance")
