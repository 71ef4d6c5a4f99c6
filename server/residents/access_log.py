"""The access log: who read, exported, erased or merged a resident's personal data, and when.

Reads by the resident themselves are not logged; everyone else's are. Administrators read it."""

import uuid

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.scope import Ability, Scope
from ..errors import Forbidden
from ..extensions import db
from ..pagination import Page, paginate
from ..types import utcnow
from .models import PersonalDataAccess

ACTIONS = ("read", "export", "erase", "withdraw_consent", "merge")


def log_access(scope: Scope, residents: list, action: str) -> None:
    """One row per resident whose personal data the caller is shown or changes; one INSERT."""
    now = utcnow()
    rows = [
        {"resident_id": r.id, "user_id": scope.user.id, "action": action, "unit_path": r.unit.path, "at": now}
        for r in residents
        if not is_self(scope, r)
    ]
    if rows:
        db.session.execute(PersonalDataAccess.__table__.insert(), rows)


def is_self(scope: Scope, resident) -> bool:
    """The resident acting on their own data (signed in with the phone number kept for them)."""
    return bool(scope.user.phone and resident.phone == scope.user.phone)


def list_accesses(
    scope: Scope, resident_id: uuid.UUID | None, user_id: int | None, cursor: str | None, limit: int | None
) -> Page:
    """Entries about residents in the administrator's area, oldest first."""
    if not scope.has(Ability.READ_AUDIT_LOG):
        raise Forbidden(_("Only administrators read the personal-data access log."))
    stmt = select(PersonalDataAccess).where(scope.condition(Ability.READ_AUDIT_LOG, PersonalDataAccess.unit_path))
    if resident_id is not None:
        stmt = stmt.where(PersonalDataAccess.resident_id == resident_id)
    if user_id is not None:
        stmt = stmt.where(PersonalDataAccess.user_id == user_id)
    return paginate(stmt, (PersonalDataAccess.id,), cursor, limit)
