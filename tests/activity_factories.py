"""Builders for residents and assistance records, as a member's phone would send them."""

import uuid
from datetime import UTC, datetime, timedelta

from server.auth.emulator import uid_for_phone
from server.auth.scope import load_scope
from server.auth.users import user_from_claims
from server.extensions import db
from server.phones import normalise_phone
from server.residents.services import create_resident


def resident_body(unit_code: str, **fields) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "unit": unit_code,
        "consent": True,
        "name": "Lò Thị Hoa",
        "birth_year": 1962,
        "gender": "female",
    }
    body.update(fields)
    return body


def make_resident(unit_code: str, phone_of_member: str, **fields):
    """A resident registered by a member, through the service the API uses."""
    body = resident_body(unit_code, **fields)
    body["id"] = uuid.UUID(body["id"])
    if body.get("phone"):
        body["phone"] = normalise_phone(body["phone"])
    resident, _created = create_resident(scope_of(phone_of_member), body)
    db.session.commit()
    return resident


def scope_of(phone: str):
    user = user_from_claims({"sub": uid_for_phone(phone), "phone_number": phone})
    db.session.flush()
    return load_scope(user)


def activity_item(unit_code: str, resident=None, **fields) -> dict:
    item = {
        "id": str(uuid.uuid4()),
        "unit": unit_code,
        "service": "vneid",
        "action": "install_app",
        "outcome": "succeeded",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
        "minutes": 20,
    }
    if resident is not None:
        item["resident"] = str(resident)
    else:
        item["people"] = 1
    item.update(fields)
    return item


def count_coverage() -> None:
    """What the coverage worker does in production: count every stored record not yet counted."""
    from server.coverage.worker import update_all

    update_all()
    db.session.commit()
