"""Users are created on first sign-in, race-free when a phone fires several requests at once."""

from functools import lru_cache

from sqlalchemy import select

from ..dbutil import insert_ignoring_conflicts
from ..extensions import db
from ..phones import InvalidPhone, normalise_phone
from ..types import utcnow
from .models import User


def user_from_claims(claims: dict) -> User:
    return sign_in(claims)[0]


def sign_in(claims: dict) -> tuple[User, bool]:
    """The user of these claims, and whether this wrote anything (a first sign-in, a new phone number).

    An everyday call only reads: a GET never writes."""
    uid = claims["sub"]
    phone = _phone_from_claims(claims)
    user = db.session.scalar(select(User).where(User.firebase_uid == uid))
    if user is None:
        db.session.execute(
            insert_ignoring_conflicts(User.__table__, ["firebase_uid"]).values(
                firebase_uid=uid, phone=phone, created_at=utcnow(), last_seen_at=utcnow()
            )
        )
        return db.session.scalar(select(User).where(User.firebase_uid == uid)), True
    if phone and user.phone != phone:
        user.phone = phone
        return user, True
    return user, False


def _phone_from_claims(claims: dict) -> str | None:
    raw = claims.get("phone_number")
    return _normalised(raw) if raw else None


@lru_cache(maxsize=4096)
def _normalised(raw: str) -> str | None:
    """Parsing a number costs more than the rest of a known caller's sign-in; a phone sends the same one."""
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        return None
