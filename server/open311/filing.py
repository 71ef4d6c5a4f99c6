"""Filing a request for a partner: through server.requests, so it is routed, timed and notified like any
other; the person's name and phone stay in PartnerFiling and in the team-only contact field."""

import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select, true, update

from ..auth.models import User
from ..auth.scope import Scope
from ..errors import Forbidden, InvalidInput
from ..extensions import db
from ..phones import InvalidPhone, normalise_phone
from ..requests.models import OPEN_STATUSES, Comment, HelpRequest
from ..requests.services import file_request, visible_condition
from ..types import utcnow
from ..units.models import Unit
from .keys import require_active
from .models import PartnerFiling, PartnerKey


@dataclass
class Filing:
    service_code: str
    address_id: str | None
    description: str
    phone: str
    first_name: str | None = None
    last_name: str | None = None
    media_url: str | None = None
    lat: float | None = None
    long: float | None = None


def file_for_partner(key: PartnerKey, filing: Filing) -> HelpRequest:
    """Files the request in the key's area; 403 outside the key's unit, 400 for what the team cannot act on."""
    require_active(key)
    if not filing.address_id:
        if filing.lat is not None or filing.long is not None:
            raise InvalidInput(
                _(
                    "ToSo places requests by unit, not by coordinates: send address_id, the code of "
                    "the village or commune."
                ),
                {"address_id": [_("Missing data for required field.")]},
            )
        raise InvalidInput(
            _("address_id is required: the code of the village or commune."),
            {"address_id": [_("Missing data for required field.")]},
        )
    unit = db.session.scalar(select(Unit).where(Unit.code == filing.address_id))
    if unit is not None and not unit.path.startswith(key.unit.path):
        raise Forbidden(_("This api_key may file requests only within %(unit)s.", unit=key.unit.name))
    try:
        phone = normalise_phone(filing.phone)
    except InvalidPhone:
        raise InvalidInput(_("phone is not a valid phone number."), {"phone": [_("Not a valid phone number.")]})
    name = " ".join(part.strip() for part in (filing.last_name, filing.first_name) if part and part.strip())
    contact = f"{name} · {phone}" if name else phone
    request, _created = file_request(
        Scope(user=key.user),
        uuid.uuid4(),
        filing.address_id,
        filing.service_code,
        filing.description,
        preferred_contact=contact[:200],
    )
    now = utcnow()
    person = db.session.scalar(select(User).where(User.phone == phone).order_by(User.id).limit(1))
    db.session.add(
        PartnerFiling(
            request_id=request.id,
            key_id=key.id,
            phone=phone,
            first_name=_clean(filing.first_name),
            last_name=_clean(filing.last_name),
            media_url=filing.media_url,
            claimed_at=now if person else None,
        )
    )
    if filing.media_url:
        # The team sees the link with the request; Open311 answers never show internal notes.
        db.session.add(
            Comment(
                request_id=request.id,
                author_id=key.user_id,
                internal=True,
                created_at=now,
                body=_("Photo or file sent by %(partner)s: %(url)s", partner=key.name, url=filing.media_url),
            )
        )
    db.session.flush()
    # The generic guess compares requesters, and every request of a key has the same one until claimed.
    request.likely_duplicate_of_id = _likely_duplicate(request, phone, person)
    if person is not None:
        request.requester_id = person.id
    db.session.flush()
    return request


def _clean(text: str | None) -> str | None:
    return " ".join(text.split())[:60] or None if text else None


def _likely_duplicate(request: HelpRequest, phone: str, person: User | None) -> uuid.UUID | None:
    """An open request for the same service and the same person (by phone, or signed in) is probably this one."""
    same_person = [HelpRequest.id.in_(select(PartnerFiling.request_id).where(PartnerFiling.phone == phone))]
    if person is not None:
        same_person.append(HelpRequest.requester_id == person.id)
    return db.session.scalar(
        select(HelpRequest.id)
        .where(
            HelpRequest.id != request.id,
            HelpRequest.service == request.service,
            HelpRequest.status.in_(OPEN_STATUSES),
            or_(*same_person),
        )
        .order_by(HelpRequest.created_at)
        .limit(1)
    )


def claim_filed_requests(user: User) -> int:
    """The person signed in with the phone a partner gave: the requests filed for them become theirs."""
    if not user.phone:
        return 0
    unclaimed = select(PartnerFiling.request_id).where(
        PartnerFiling.phone == user.phone, PartnerFiling.claimed_at.is_(None)
    )
    ids = list(db.session.scalars(unclaimed))
    if not ids:
        return 0
    db.session.execute(update(HelpRequest).where(HelpRequest.id.in_(ids)).values(requester_id=user.id))
    db.session.execute(update(PartnerFiling).where(PartnerFiling.request_id.in_(ids)).values(claimed_at=utcnow()))
    return len(ids)


def erase_filed_personal_data(phones: list[str]) -> None:
    """Erasure of a person: the names and phone a partner sent for them go, and so does the team's copy."""
    phones = [phone for phone in phones if phone]
    if not phones:
        return
    ids = list(db.session.scalars(select(PartnerFiling.request_id).where(PartnerFiling.phone.in_(phones))))
    if not ids:
        return
    db.session.execute(
        update(PartnerFiling)
        .where(PartnerFiling.request_id.in_(ids))
        .values(phone=None, first_name=None, last_name=None, erased_at=utcnow())
    )
    db.session.execute(update(HelpRequest).where(HelpRequest.id.in_(ids)).values(preferred_contact=None))


def export_filed_personal_data(phones: list[str], scope: Scope | None = None) -> dict:
    """What partners sent about the person (their right of access), by request: all of it for the person
    themself (no scope), and for anyone else only on requests their scope may read."""
    phones = [phone for phone in phones if phone]
    if not phones:
        return {}
    rows = db.session.execute(
        select(PartnerFiling, HelpRequest.reference, PartnerKey.name)
        .join(HelpRequest, HelpRequest.id == PartnerFiling.request_id)
        .join(PartnerKey, PartnerKey.id == PartnerFiling.key_id)
        .where(PartnerFiling.phone.in_(phones))
        .order_by(HelpRequest.created_at)
        .where(visible_condition(scope) if scope is not None else true())
    )
    return {
        "open311_filings": [
            {
                "request": reference,
                "partner": partner,
                "phone": filing.phone,
                "first_name": filing.first_name,
                "last_name": filing.last_name,
                "media_url": filing.media_url,
                "claimed_at": filing.claimed_at and filing.claimed_at.isoformat(),
            }
            for filing, reference, partner in rows
        ]
    }
