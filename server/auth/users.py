"""Users are created on first sign-in, race-free when a phone fires several requests at once."""

from sqlalchemy import select

from ..dbutil import insert_ignoring_conflicts
from ..extensions import db
from ..phones import InvalidPhone, normalise_phone
from ..privacy import mask_citizen_ids
from ..types import utcnow
from .models import User


def user_from_claims(claims: dict) -> User:
    uid = claims["sub"]
    phone = _phone_from_claims(claims)
    user = db.session.scalar(select(User).where(User.firebase_uid == uid))
    if user is None:
        db.session.execute(
            insert_ignoring_conflicts(User.__table__, ["firebase_uid"]).values(
                firebase_uid=uid, phone=phone, created_at=utcnow(), last_seen_at=utcnow()
            )
        )
        user = db.session.scalar(select(User).where(User.firebase_uid == uid))
    elif phone and user.phone != phone:
        user.phone = phone
    return user


def _phone_from_claims(claims: dict) -> str | None:
    raw = claims.get("phone_number")
    if not raw:
        return None
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        return None


def set_display_name(user: User, name: str | None) -> User:
    """The name a person chooses for themselves; their team sees it (blank clears it)."""
    name = mask_citizen_ids(name.strip()) if name else None
    user.display_name = name or None
    db.session.flush()
    return user
