"""Users are created on first sign-in, race-free when a phone fires several requests at once."""

from functools import lru_cache

from sqlalchemy import select

from ..dbutil import insert_ignoring_conflicts
from ..extensions import db
from ..phones import InvalidPhone, normalise_phone
from ..privacy import mask_citizen_ids
from ..signals import phone_signed_in
from ..types import utcnow
from .models import User


def user_from_claims(claims: dict) -> User:
    return sign_in(claims)[0]


def sign_in(claims: dict) -> tuple[User, bool]:
    """The user of these claims, and whether this wrote anything (a first sign-in, a new phone number).

    An everyday call only reads: a GET never writes."""
    uid = claims["sub"]
    phone = phone_from_claims(claims)
    user = db.session.scalar(select(User).where(User.firebase_uid == uid))
    if user is None:
        db.session.execute(
            insert_ignoring_conflicts(User.__table__, ["firebase_uid"]).values(
                firebase_uid=uid, phone=phone, created_at=utcnow(), last_seen_at=utcnow()
            )
        )
        user = db.session.scalar(select(User).where(User.firebase_uid == uid))
        if user.phone:
            phone_signed_in.send(__name__, user=user)
        return user, True
    if phone and user.phone != phone:
        user.phone = phone
        phone_signed_in.send(__name__, user=user)
        return user, True
    return user, False


def phone_from_claims(claims: dict) -> str | None:
    raw = claims.get("phone_number")
    return _normalised(raw) if raw else None


@lru_cache(maxsize=4096)
def _normalised(raw: str) -> str | None:
    """Parsing a number costs more than the rest of a known caller's sign-in; a phone sends the same one."""
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
