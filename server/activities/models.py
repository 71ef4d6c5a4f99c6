import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import BinaryString, UTCDateTime
from ..units.paths import codes_of

ACTIONS = (
    "install_app",
    "create_account",
    "verify_identity",
    "setup_payment",
    "make_payment",
    "submit_public_service",
    "use_health_record",
    "digital_skills_lesson",
    "scam_awareness",
    "troubleshoot",
    "other",
)
OUTCOMES = ("succeeded", "partial", "failed")
BLOCKERS = (
    "no_smartphone",
    "weak_signal",
    "no_chip_id_card",
    "forgot_credentials",
    "phone_incompatible",
    "needs_in_person_office",
    "resident_declined",
    "other",
)


class Activity(db.Model):
    """One assistance given: a fact, append-only. A correction is a new record that supersedes it.

    `unit_path` copies the unit's tree path so that "this area, this period" is one index range
    without a join; unit paths never change (codes are never reused)."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("(resident_id IS NULL) <> (people IS NULL)", name="resident_or_people"),
        CheckConstraint("people IS NULL OR people BETWEEN 1 AND 1000", name="people_range"),
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 0 AND 1440", name="minutes_range"),
        # Coverage: an area's records over a period; and distinct residents per indicator.
        Index("ix_activities_unit_path_occurred_at", "unit_path", "occurred_at"),
        Index("ix_activities_resident_id_service_action_outcome", "resident_id", "service", "action", "outcome"),
        # Phone sync ("my records that arrived since") and area listings by arrival.
        Index("ix_activities_member_id_received_at_id", "member_id", "received_at", "id"),
        Index("ix_activities_unit_path_received_at_id", "unit_path", "received_at", "id"),
        # The coverage worker's queue: records not yet counted, a member's together (a partial index
        # stays small).
        Index(
            "ix_activities_member_id_id_not_aggregated",
            "member_id",
            "id",
            postgresql_where=text("aggregated IS NULL"),
            sqlite_where=text("aggregated IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_path: Mapped[str] = mapped_column(BinaryString(400))
    resident_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("residents.id"))
    people: Mapped[int | None]
    service: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    blocker: Mapped[str | None] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    minutes: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(String(1000))
    # The help request it answers. No foreign key, like `supersedes_id`: records are synced in any order.
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # No foreign key: a correction may arrive before the record it corrects.
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # Hash of what the phone sent: same id + same hash is a re-send, same id + other hash a conflict.
    content_hash: Mapped[bytes] = mapped_column(LargeBinary(16))
    # Coverage: null until the coverage worker has seen the record; then whether it counts (true)
    # or not (false: superseded by a correction).
    aggregated: Mapped[bool | None]

    @property
    def unit_code(self) -> str:
        return codes_of(self.unit_path)[-1]
