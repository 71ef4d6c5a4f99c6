"""Help requests, their immutable history, comments and rating."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..teams.models import Team
from ..types import BinaryString, UTCDateTime, utcnow
from ..units.models import Unit


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_ON_RESIDENT = "waiting_on_resident"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    MERGED = "merged"


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_RESIDENT)
FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.CANCELLED, Status.MERGED)


class HelpRequest(db.Model):
    """A villager's request for help, routed to the team of their village.

    `version` grows with every change; racing updates are conditional on it."""

    __tablename__ = "help_requests"
    __table_args__ = (
        UniqueConstraint("year", "number"),
        CheckConstraint(
            "on_behalf_birth_year IS NULL OR on_behalf_birth_year BETWEEN 1900 AND 2100", name="birth_year_plausible"
        ),
        Index("ix_help_requests_unit_id_status", "unit_id", "status"),
        Index("ix_help_requests_unit_path_status", "unit_path", "status"),
        Index("ix_help_requests_requester_id_service_status", "requester_id", "service", "status"),
        Index("ix_help_requests_assignee_id_status", "assignee_id", "status"),
        Index("ix_help_requests_updated_at", "updated_at"),
        # Coverage: requests resolved in an area over a period.
        Index("ix_help_requests_unit_path_resolved_at", "unit_path", "resolved_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # A copy of the unit's path: scope conditions become index ranges on this table, with no join.
    unit_path: Mapped[str] = mapped_column(BinaryString(400))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    service: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    preferred_contact: Mapped[str | None] = mapped_column(String(200))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on_behalf_name: Mapped[str | None] = mapped_column(String(120))
    on_behalf_birth_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default=Status.NEW)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    likely_duplicate_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("help_requests.id"))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("help_requests.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SLA: due times move forward by the time spent waiting on the resident.
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")
    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    likely_duplicate_of: Mapped["HelpRequest | None"] = relationship(
        foreign_keys=[likely_duplicate_of_id], remote_side=[id]
    )
    merged_into: Mapped["HelpRequest | None"] = relationship(foreign_keys=[merged_into_id], remote_side=[id])

    @property
    def on_behalf_of(self) -> dict | None:
        if self.on_behalf_name is None:
            return None
        return {"name": self.on_behalf_name, "birth_year": self.on_behalf_birth_year}

    def is_overdue(self, now: datetime) -> bool:
        if self.status not in OPEN_STATUSES or self.paused_at is not None:
            return False
        return (self.first_responded_at is None and self.first_response_due_at < now) or self.resolution_due_at < now

    def __repr__(self) -> str:
        return f"<HelpRequest {self.reference} {self.status}>"


class ReferenceCounter(db.Model):
    """The last reference number handed out per year (HT-26-000123)."""

    __tablename__ = "help_request_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class RequestEvent(db.Model):
    """One change of a request: who, when, from which status to which, and why. Never updated."""

    __tablename__ = "help_request_events"
    __table_args__ = (Index("ix_help_request_events_request_id_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")


class Comment(db.Model):
    """A public reply (the requester sees it) or an internal note (team and monitors only)."""

    __tablename__ = "help_request_comments"
    __table_args__ = (Index("ix_help_request_comments_request_id_created_at", "request_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


class Rating(db.Model):
    """The requester's 1–5 rating; one per request, made after resolution."""

    __tablename__ = "help_request_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),)

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@event.listens_for(RequestEvent, "before_update")
def _history_is_immutable(_mapper, _connection, target):
    raise ValueError("help request history is append-only")
