"""Residents: minimal personal data, kept only with consent, every read by someone else logged."""

import difflib
import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from .. import idempotency
from ..auth.scope import Ability, Scope
from ..dbutil import insert_ignoring_conflicts
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..pagination import Page, paginate
from ..privacy import looks_like_citizen_id
from ..signals import person_erased, resident_merged
from ..text import fold
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import subtree_condition
from ..units.services import get_unit
from .access_log import is_self, log_access
from .models import Resident

RESIDENT_UNIT_LEVELS = ("commune", "village", "group")
PERSONAL_FIELDS = ("name", "phone", "household")
SIMILAR_NAME_RATIO = 0.85


@dataclass
class ResidentView:
    """A resident (its columns read through) with the likely duplicates a leader may merge."""

    resident: Resident
    possible_duplicates: list[uuid.UUID] = field(default_factory=list)

    def __getattr__(self, name):
        return getattr(self.resident, name)


def resident_view(resident: Resident) -> ResidentView:
    return ResidentView(resident, possible_duplicates(resident))


def create_resident(scope: Scope, data: dict) -> tuple[Resident, bool]:
    """Stores a resident sent by a phone; the same resident sent again changes nothing (created=False)."""
    unit = get_unit(data["unit"])
    scope.require(Ability.WORK, unit)
    _check_rules(data, unit)
    fields = {
        "id": data["id"],
        "unit_id": unit.id,
        "name": _clean(data.get("name")),
        "birth_year": data.get("birth_year"),
        "gender": data.get("gender"),
        "household": _clean(data.get("household")),
        "phone": data.get("phone"),
        "languages": sorted(set(data.get("languages") or [])),
        "consent": data["consent"],
    }
    fields["search_name"] = fold(fields["name"]) if fields["name"] else None
    fields["consent_at"] = (data.get("consent_at") or utcnow()) if fields["consent"] else None
    fields["content_hash"] = _content_hash(fields, unit.code)
    now = utcnow()
    stored = db.session.scalars(
        insert_ignoring_conflicts(Resident.__table__, ["id"])
        .values(
            **fields,
            created_by_id=scope.user.id,
            created_at=now,
            updated_at=now,
        )
        .returning(Resident.__table__.c.id)
    ).first()
    resident = db.session.get(Resident, data["id"], populate_existing=True)
    if stored is None and resident.content_hash != fields["content_hash"]:
        raise Conflict(
            _("A different resident with this id is already stored."),
            {"id": [_("This id is already used for another resident.")]},
        )
    return resident, stored is not None


def _check_rules(data: dict, unit: Unit) -> None:
    errors = {}
    if unit.level not in RESIDENT_UNIT_LEVELS:
        errors["unit"] = [_("A resident belongs to a village (or a commune without villages).")]
    if not data["consent"]:
        for field in PERSONAL_FIELDS:
            if data.get(field):
                errors[field] = [_("Without the resident's consent only the birth year and village are kept.")]
    for field in ("name", "household"):
        if field not in errors and looks_like_citizen_id(data.get(field)):
            errors[field] = [_("ToSo never stores citizen ID numbers.")]
    if errors:
        raise InvalidInput(_("Some fields are invalid."), errors)


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


def _content_hash(fields: dict, unit_code: str) -> bytes:
    return idempotency.content_hash(
        [
            str(fields["id"]),
            unit_code,
            fields["name"],
            fields["birth_year"],
            fields["gender"],
            fields["household"],
            fields["phone"],
            fields["languages"],
            fields["consent"],
        ]
    )


def _visible(scope: Scope):
    return scope.read_condition(Unit.path)


def load_resident(scope: Scope, resident_id: uuid.UUID) -> Resident:
    """The resident if the caller may see it (their area, or themselves); otherwise 404."""
    resident = db.session.get(Resident, resident_id)
    if resident is None or not (is_self(scope, resident) or scope.readable(resident.unit)):
        raise NotFound(_("Not found, or outside your area."))
    return resident


def _load_for_work(scope: Scope, resident_id: uuid.UUID) -> Resident:
    resident = load_resident(scope, resident_id)
    if not (is_self(scope, resident) or scope.allows(Ability.WORK, resident.unit)):
        raise Forbidden(_("You have no right to do this in %(unit)s.", unit=resident.unit.name))
    return resident


def get_resident(scope: Scope, resident_id: uuid.UUID) -> ResidentView:
    resident = load_resident(scope, resident_id)
    log_access(scope, [resident], "read")
    return resident_view(resident)


def list_residents(
    scope: Scope, unit_code: str | None, query: str | None, cursor: str | None, limit: int | None
) -> Page:
    """Residents of the caller's area, by name; merged and erased records are left out."""
    sort_name = func.coalesce(Resident.search_name, "")
    stmt = (
        select(Resident)
        .join(Unit, Resident.unit_id == Unit.id)
        .where(_visible(scope), Resident.merged_into_id.is_(None), Resident.erased_at.is_(None))
    )
    if unit_code:
        unit = get_unit(unit_code)
        stmt = stmt.where(subtree_condition(Unit.path, unit.path))
    if query and fold(query):
        stmt = stmt.where(Resident.search_name.contains(fold(query), autoescape=True))
    page = paginate(
        stmt, (sort_name, Resident.id), cursor, limit, key=lambda resident: (resident.search_name or "", resident.id)
    )
    log_access(scope, page.items, "read")
    return page


def possible_duplicates(resident: Resident) -> list[uuid.UUID]:
    """Same village, same birth year (when known), a similar name: probably the same person."""
    if not resident.search_name or resident.merged_into_id or resident.erased_at:
        return []
    stmt = select(Resident.id, Resident.search_name).where(
        Resident.unit_id == resident.unit_id,
        Resident.id != resident.id,
        Resident.search_name.is_not(None),
        Resident.merged_into_id.is_(None),
        Resident.erased_at.is_(None),
    )
    if resident.birth_year is not None:
        stmt = stmt.where(or_(Resident.birth_year == resident.birth_year, Resident.birth_year.is_(None)))
    return [
        other_id
        for other_id, name in db.session.execute(stmt.order_by(Resident.id))
        if difflib.SequenceMatcher(None, resident.search_name, name).ratio() >= SIMILAR_NAME_RATIO
    ]


def merge_residents(scope: Scope, kept_id: uuid.UUID, duplicate_id: uuid.UUID) -> ResidentView:
    """A leader merges a duplicate into the record kept; the duplicate stays, pointing at it (history)."""
    if kept_id == duplicate_id:
        raise InvalidInput(
            _("A resident cannot be merged into itself."), {"duplicate": [_("Choose another resident.")]}
        )
    kept, duplicate = load_resident(scope, kept_id), load_resident(scope, duplicate_id)
    scope.require(Ability.MANAGE, kept.unit)
    scope.require(Ability.MANAGE, duplicate.unit)
    if duplicate.merged_into_id is not None:
        raise Conflict(_("This resident was already merged into another record."))
    if kept.merged_into_id is not None:
        raise Conflict(_("The record to keep was itself merged into another record: merge into that one."))
    now = utcnow()
    if kept.consent and kept.erased_at is None and duplicate.erased_at is None:
        for field in ("phone", "household", "gender", "birth_year"):
            if getattr(kept, field) is None:
                setattr(kept, field, getattr(duplicate, field))
        kept.languages = sorted(set(kept.languages or []) | set(duplicate.languages or []))
    # Records merged into the duplicate earlier now point at the kept record, so chains stay one step long.
    db.session.execute(
        update(Resident).where(Resident.merged_into_id == duplicate.id).values(merged_into_id=kept.id, updated_at=now)
    )
    duplicate.merged_into_id, duplicate.merged_at, duplicate.merged_by_id = kept.id, now, scope.user.id
    resident_merged.send(__name__, duplicate_id=duplicate.id, kept_id=kept.id, kept_path=kept.unit.path)
    log_access(scope, [kept, duplicate], "merge")
    db.session.flush()
    return resident_view(kept)


def merged_records(resident: Resident) -> list[Resident]:
    return list(
        db.session.scalars(select(Resident).where(Resident.merged_into_id == resident.id).order_by(Resident.created_at))
    )


def erase_resident(scope: Scope, resident_id: uuid.UUID, reason: str = "erase") -> ResidentView:
    """Blanks the personal data (name, phone, household, notes) of the resident and of records merged
    into it, and what the export calls theirs (server/residents/erasure.py); village, birth year,
    gender and the assistance facts stay, anonymous, for coverage."""
    from ..activities.models import Activity
    from .erasure import erase_linked_data

    resident = _load_for_work(scope, resident_id)
    log_access(scope, [resident], reason)
    group = [resident, *merged_records(resident)]
    erase_linked_data(scope, is_self(scope, resident), group, {p.phone for p in group if p.phone})
    now = utcnow()
    person_erased.send(__name__, phones=[person.phone for person in group if person.phone])
    for person in group:
        person.name = person.search_name = person.phone = person.household = None
        person.consent = False
        person.erased_at = person.erased_at or now
    db.session.execute(
        update(Activity)
        .where(Activity.resident_id.in_([p.id for p in group]), Activity.note.is_not(None))
        .values(note=None)
    )
    db.session.flush()
    return ResidentView(resident)


def withdraw_consent(scope: Scope, resident_id: uuid.UUID) -> ResidentView:
    """Withdrawing consent erases: ToSo keeps no personal data without it."""
    return erase_resident(scope, resident_id, reason="withdraw_consent")
