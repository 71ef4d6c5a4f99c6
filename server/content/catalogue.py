"""The service catalogue as the rest of ToSo sees it: the codes that help requests and
assistance records may name, and their names in a language."""

from flask import g, has_app_context
from sqlalchemy import select

from ..extensions import db
from .models import Service


def known_service_codes() -> frozenset[str]:
    """Read once per request: a batch of 500 records asks for every item."""
    if has_app_context() and "service_codes" in g:
        return g.service_codes
    codes = frozenset(db.session.scalars(select(Service.code).where(Service.removed_at.is_(None))))
    if has_app_context():
        g.service_codes = codes
    return codes


def service_name(code: str, lang: str = "vi") -> str:
    """The service's name in `lang` (Vietnamese when that language is missing), or the code itself."""
    service = db.session.scalar(select(Service).where(Service.code == code))
    return service.localised("names", lang) if service else code


def service_names(lang: str = "vi") -> dict[str, str]:
    """Every service's name in `lang`, for pages and exports that show many (one query)."""
    return {service.code: service.localised("names", lang) for service in db.session.scalars(select(Service))}
