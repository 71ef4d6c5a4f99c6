"""Partner keys: made by an administrator on the command line, shown once, kept only as a hash."""

import hashlib
import hmac
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import User
from ..errors import Forbidden
from ..extensions import db
from ..types import utcnow
from ..units.services import get_unit
from .models import PartnerKey, PartnerKeyUse

KEY_PREFIX = "o311_"


class UnknownKey(LookupError):
    pass


def hash_key(plaintext: str) -> str:
    """SHA-256 suffices: keys are 256 random bits, so there is no dictionary to try them against."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_key(name: str, unit_code: str) -> tuple[PartnerKey, str]:
    """A new key for `name`, filing within `unit_code`'s subtree; returns (key, plaintext shown once)."""
    unit = get_unit(unit_code)
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    user = User(firebase_uid=f"open311-partner:{secrets.token_hex(8)}", display_name=name[:120])
    db.session.add(user)
    db.session.flush()
    key = PartnerKey(
        name=name, unit_id=unit.id, key_hash=hash_key(plaintext), key_prefix=plaintext[:12], user_id=user.id
    )
    db.session.add(key)
    db.session.flush()
    return key, plaintext


def find_key(plaintext: str | None) -> PartnerKey | None:
    """The key (revoked or not) whose hash matches, or None."""
    if not plaintext:
        return None
    digest = hash_key(plaintext)
    key = db.session.scalar(select(PartnerKey).where(PartnerKey.key_hash == digest))
    return key if key is not None and hmac.compare_digest(key.key_hash, digest) else None


def require_active(key: PartnerKey) -> None:
    if key.revoked_at is not None:
        raise Forbidden(_("This api_key has been revoked."))


def list_keys() -> list[tuple[PartnerKey, int]]:
    """Every key with how many times it was used."""
    uses = select(PartnerKeyUse.key_id, func.count().label("uses")).group_by(PartnerKeyUse.key_id).subquery()
    rows = db.session.execute(
        select(PartnerKey, func.coalesce(uses.c.uses, 0))
        .outerjoin(uses, uses.c.key_id == PartnerKey.id)
        .order_by(PartnerKey.id)
    )
    return [(key, count) for key, count in rows]


def key_uses(key_id: int, limit: int = 100) -> list[PartnerKeyUse]:
    """The key's latest uses, newest first."""
    if db.session.get(PartnerKey, key_id) is None:
        raise UnknownKey(key_id)
    return list(
        db.session.scalars(
            select(PartnerKeyUse).where(PartnerKeyUse.key_id == key_id).order_by(PartnerKeyUse.id.desc()).limit(limit)
        )
    )


def revoke_key(key_id: int) -> PartnerKey:
    key = db.session.get(PartnerKey, key_id)
    if key is None:
        raise UnknownKey(key_id)
    key.revoked_at = key.revoked_at or utcnow()
    db.session.flush()
    return key


def record_use(
    key: PartnerKey,
    action: str,
    status: int,
    request_id=None,
    address_id: str | None = None,
    remote_addr: str | None = None,
) -> None:
    db.session.add(
        PartnerKeyUse(
            key_id=key.id,
            action=action,
            status=status,
            request_id=request_id,
            address_id=(address_id or "")[:40] or None,
            remote_addr=remote_addr,
            at=utcnow(),
        )
    )
    db.session.flush()
