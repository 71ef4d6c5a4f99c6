"""The notification outbox and the phones (FCM tokens) it is delivered to."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import UTCDateTime, utcnow


class PushState(StrEnum):
    PENDING = "pending"  # waiting for the worker (again, after a retryable failure)
    SENT = "sent"  # FCM accepted it for at least one of the recipient's phones
    NO_DEVICE = "no_device"  # nothing to push to; the app reads it from GET /notifications
    FAILED = "failed"  # retries exhausted


class Notification(db.Model):
    """One message for one person, in their language; also the app's inbox."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_push_state_next_attempt_at", "push_state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500))
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    push_state: Mapped[str] = mapped_column(String(12), default=PushState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def read(self) -> bool:
        return self.read_at is not None


class Device(db.Model):
    """A phone's FCM registration token; a token belongs to whoever registered it last."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(1024), unique=True)
    platform: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
