from datetime import datetime
from uuid import uuid4

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import UTCDateTime, utcnow


class User(db.Model):
    """A person who has signed in at least once; created from their Firebase uid."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    firebase_uid: Mapped[str] = mapped_column(String(128), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Changed (to a fresh random value) by every write to the user's grants, teams or their units;
    # a worker's cached scope is reused only while it matches. Random, so that a user row made again
    # after a rollback never matches a scope cached for the one before.
    scope_stamp: Mapped[str] = mapped_column(String(32), default=lambda: uuid4().hex, server_default="0")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.phone}>"
