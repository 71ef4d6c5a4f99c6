import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..types import BinaryString, UTCDateTime, utcnow
from ..units.models import Unit

GENDERS = ("female", "male", "other")


class Resident(db.Model):
    """A person a team serves. Identified by the UUID the member's phone made, possibly offline.

    A name, phone or household is kept only with consent; erasure blanks them and keeps the
    anonymous facts (village, birth year, gender) so that coverage still counts the person."""

    __tablename__ = "residents"
    __table_args__ = (
        CheckConstraint(
            "consent OR (name IS NULL AND phone IS NULL AND household IS NULL)", name="personal_data_needs_consent"
        ),
        CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),
        Index("ix_residents_unit_id_search_name", "unit_id", "search_name"),
        Index("ix_residents_unit_id_birth_year", "unit_id", "birth_year"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    search_name: Mapped[str | None] = mapped_column(String(200))
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(10))
    household: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    consent: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the phone sent, hashed: a re-send is recognised (and never brings erased data back).
    content_hash: Mapped[bytes] = mapped_column(LargeBinary(16))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("residents.id"), index=True)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Resident {self.id}>"


class PersonalDataAccess(db.Model):
    """One read (or export, erasure, merge) of a resident's personal data by someone else."""

    __tablename__ = "personal_data_accesses"
    __table_args__ = (Index("ix_personal_data_accesses_resident_id_at", "resident_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("residents.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    unit_path: Mapped[str] = mapped_column(BinaryString(400))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    user: Mapped[User] = relationship(lazy="joined")
