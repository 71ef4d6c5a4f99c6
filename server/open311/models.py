"""Partner keys, their audit trail, and what a partner sent with a request beyond a help request's fields."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..types import UTCDateTime, utcnow
from ..units.models import Unit


class PartnerKey(db.Model):
    """A partner system's key: it files requests within `unit`'s subtree. Only a hash of the key is kept."""

    __tablename__ = "open311_partner_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(12))  # shown in listings so an operator can tell keys apart
    # The requests a key files belong to this user until the person helped signs in.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class PartnerKeyUse(db.Model):
    """One use of a key: what was tried, from where, and how it was answered. Never updated."""

    __tablename__ = "open311_key_uses"
    __table_args__ = (Index("ix_open311_key_uses_key_id_at", "key_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("open311_partner_keys.id"))
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("help_requests.id", ondelete="SET NULL"))
    address_id: Mapped[str | None] = mapped_column(String(40))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PartnerFiling(db.Model):
    """The person a partner filed for: personal data, never shown in Open311 answers, erased with the person."""

    __tablename__ = "open311_filings"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("open311_partner_keys.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    first_name: Mapped[str | None] = mapped_column(String(60))
    last_name: Mapped[str | None] = mapped_column(String(60))
    media_url: Mapped[str | None] = mapped_column(Text)
    # Set when the person signed in with the phone and the request became theirs.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
