"""Checking one assistance record as the phone sent it, without the database.

Hand-written rather than a marshmallow schema: a 500-record batch is validated on every sync,
and each record must answer for itself without failing its neighbours."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from .. import idempotency
from ..content.catalogue import known_service_codes
from ..privacy import is_citizen_id_field, mask_citizen_ids
from .models import ACTIONS, BLOCKERS, OUTCOMES

FIELDS = frozenset(
    {
        "id",
        "unit",
        "resident",
        "people",
        "service",
        "action",
        "outcome",
        "blocker",
        "occurred_at",
        "minutes",
        "note",
        "request",
        "supersedes",
    }
)
# The limits of a record; mobile_api's ActivityInput schema documents these same constants.
MAX_UNIT_CODE = 40
MAX_NOTE = 1000
MAX_PEOPLE = 1000
MAX_MINUTES = 1440
# A phone's clock may run a little fast; a record dated further ahead is refused.
FUTURE_TOLERANCE = timedelta(minutes=10)
# Offline phones sync late, but not this late; older dates are almost always a wrong clock.
MAX_AGE = timedelta(days=400)
_ACTIONS, _OUTCOMES, _BLOCKERS = frozenset(ACTIONS), frozenset(OUTCOMES), frozenset(BLOCKERS)


@dataclass(slots=True)
class ParsedActivity:
    id: uuid.UUID
    unit: str
    resident: uuid.UUID | None
    people: int | None
    service: str
    action: str
    outcome: str
    blocker: str | None
    occurred_at: datetime
    minutes: int | None
    note: str | None
    request: uuid.UUID | None
    supersedes: uuid.UUID | None
    content_hash: bytes = b""


def raw_id(item) -> str | None:
    """The id to answer with, even for an item too broken to parse."""
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None


def parse_activity(
    item, member_id: int, now: datetime, services: frozenset[str] | None = None
) -> tuple[ParsedActivity | None, dict | None]:
    """Returns the parsed record (with its content hash) or the field errors, never both. A batch
    passes `services` (known_service_codes()) read once for all its items."""
    if not isinstance(item, dict):
        return None, {"_item": [_("Each item must be an object.")]}
    errors: dict[str, list[str]] = {}
    for key in item.keys() - FIELDS:
        errors[key] = [_("ToSo never stores citizen ID numbers.") if is_citizen_id_field(key) else _("Unknown field.")]
    get = item.get
    record_id = _uuid(get("id"), "id", errors, required=True)
    unit = get("unit")
    if not isinstance(unit, str) or not 0 < len(unit) <= MAX_UNIT_CODE:
        errors["unit"] = [_("Give the code of the village where the help was given.")]
    resident = _uuid(get("resident"), "resident", errors)
    people = _integer(get("people"), "people", 1, MAX_PEOPLE, errors)
    if "resident" not in errors and "people" not in errors and (resident is None) == (people is None):
        errors["resident"] = [_("Give either a resident or the number of people, not both.")]
    service = _choice(
        get("service"), "service", known_service_codes() if services is None else services, errors, required=True
    )
    action = _choice(get("action"), "action", _ACTIONS, errors, required=True)
    outcome = _choice(get("outcome"), "outcome", _OUTCOMES, errors, required=True)
    blocker = _choice(get("blocker"), "blocker", _BLOCKERS, errors)
    if outcome == "succeeded" and blocker is not None:
        errors["blocker"] = [_("A blocker is given only when the help did not fully succeed.")]
    elif outcome == "failed" and blocker is None and "blocker" not in errors:
        errors["blocker"] = [_("Say what blocked the help when it failed.")]
    occurred_at = _moment(get("occurred_at"), now, errors)
    minutes = _integer(get("minutes"), "minutes", 0, MAX_MINUTES, errors)
    note = get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        errors["note"] = [_("A note is text of at most %(max)s characters.", max=MAX_NOTE)]
    request = _uuid(get("request"), "request", errors)
    supersedes = _uuid(get("supersedes"), "supersedes", errors)
    if supersedes is not None and supersedes == record_id:
        errors["supersedes"] = [_("A record cannot supersede itself.")]
    if errors:
        return None, errors
    if note is not None:
        note = mask_citizen_ids(note.strip()) or None
    parsed = ParsedActivity(
        record_id,
        unit,
        resident,
        people,
        service,
        action,
        outcome,
        blocker,
        occurred_at,
        minutes,
        note,
        request,
        supersedes,
    )
    parsed.content_hash = content_hash(parsed, member_id)
    return parsed, None


def content_hash(parsed: ParsedActivity, member_id: int) -> bytes:
    """Same record, however the phone formatted it (time zone, key order), gives the same hash."""
    return idempotency.content_hash(
        [
            str(parsed.id),
            member_id,
            parsed.unit,
            parsed.resident and str(parsed.resident),
            parsed.people,
            parsed.service,
            parsed.action,
            parsed.outcome,
            parsed.blocker,
            parsed.occurred_at.isoformat(),
            parsed.minutes,
            parsed.note,
            parsed.request and str(parsed.request),
            parsed.supersedes and str(parsed.supersedes),
        ]
    )


def _uuid(value, field, errors, required=False):
    if value is None:
        if required:
            errors[field] = [_("Missing data for required field.")]
        return None
    if isinstance(value, str) and len(value) <= 64:
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    errors[field] = [_("Not a valid UUID.")]
    return None


def _integer(value, field, low, high, errors):
    if value is None:
        return None
    if type(value) is not int:
        errors[field] = [_("Not a valid integer.")]
    elif not low <= value <= high:
        errors[field] = [
            _("Must be greater than or equal to {min} and less than or equal to {max}.").format(min=low, max=high)
        ]
    else:
        return value
    return None


def _choice(value, field, choices, errors, required=False):
    if value is None:
        if required:
            errors[field] = [_("Missing data for required field.")]
        return None
    if isinstance(value, str) and value in choices:
        return value
    errors[field] = [_("Must be one of: {choices}.").format(choices=", ".join(sorted(choices)))]
    return None


def _moment(value, now, errors):
    if value is None:
        errors["occurred_at"] = [_("Missing data for required field.")]
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors["occurred_at"] = [_("Give a date and time with its UTC offset, e.g. 2026-11-20T09:30:00+07:00.")]
        return None
    moment = moment.astimezone(UTC)
    if moment > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = [_("This time is in the future: check the phone's clock.")]
    elif moment < now - MAX_AGE:
        errors["occurred_at"] = [
            _("This time is more than %(days)s days ago: check the phone's clock.", days=MAX_AGE.days)
        ]
    else:
        return moment
    return None
