"""What anyone may read: the service catalogue and requests, with no personal data.

A request shows its unit, service, description, Open311 status, the latest public reply, the
team's name and its times. Phone numbers and the names known for the request are masked from the
free text; internal notes, contacts, requesters and assignees are never read here."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..content.models import Poster, Service
from ..coverage.periods import VIETNAM
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..requests.models import Comment, HelpRequest
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import subtree_condition
from .models import PartnerFiling
from .status import TOSO_STATUSES, open311_status

MAX_RANGE = timedelta(days=90)
MAX_RESULTS = 1000
MAX_KEYWORDS = 12
GROUPS = {
    "public_services": _l("Public services"),
    "online_shopping": _l("Online shopping"),
    "online_payment": _l("Online payments"),
    "online_safety": _l("Online safety"),
    "local_platforms": _l("Local platforms"),
    "team_practice": _l("Team practice"),
}
MASK = "***"


# --- services ---------------------------------------------------------------------------------


def list_services(lang: str) -> list[dict]:
    services = list(db.session.scalars(select(Service).where(Service.removed_at.is_(None)).order_by(Service.position)))
    tags = {}
    for service_id, poster_tags in db.session.execute(
        select(Poster.service_id, Poster.tags).where(Poster.removed_at.is_(None))
    ):
        tags.setdefault(service_id, set()).update(poster_tags or ())
    return [_service(service, sorted(tags.get(service.id, ()))[:MAX_KEYWORDS], lang) for service in services]


def _service(service: Service, keywords: list[str], lang: str) -> dict:
    """`keywords` are the tags of the service's posters, what a villager would call the problem."""
    return {
        "service_code": service.code,
        "service_name": service.localised("names", lang),
        "description": service.localised("descriptions", lang),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": str(GROUPS.get(service.skill, service.skill)),
    }


def service_definition(code: str) -> dict:
    """ToSo's services take no extra attributes: the definition exists, with none."""
    exists = db.session.scalar(select(Service.id).where(Service.code == code, Service.removed_at.is_(None)))
    if exists is None:
        raise NotFound(_("No service has the code %(code)s.", code=code))
    return {"service_code": code, "attributes": []}


# --- requests ---------------------------------------------------------------------------------


@dataclass
class RequestQuery:
    service_request_ids: list[str] | None = None
    service_codes: list[str] | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    statuses: list[str] | None = None
    jurisdiction_id: str | None = None


def list_public_requests(query: RequestQuery, lang: str) -> list[dict]:
    """Newest first. Asked by id, the ids decide alone (as the standard says); otherwise at most 90 days."""
    stmt = select(HelpRequest)
    if query.jurisdiction_id:
        stmt = stmt.where(subtree_condition(HelpRequest.unit_path, jurisdiction(query.jurisdiction_id).path))
    if query.service_request_ids:
        stmt = stmt.where(HelpRequest.reference.in_(query.service_request_ids))
    else:
        start, end = query.start_date, query.end_date
        if start is None:
            end = end or utcnow()
            start = end - MAX_RANGE
        elif end is None:
            end = start + MAX_RANGE
        if start > end:
            raise InvalidInput(_("start_date must come before end_date."), {"start_date": [_("Invalid value.")]})
        if end - start > MAX_RANGE:
            raise InvalidInput(
                _("start_date and end_date may not span more than 90 days."), {"end_date": [_("Invalid value.")]}
            )
        stmt = stmt.where(HelpRequest.created_at >= start, HelpRequest.created_at <= end)
        if query.service_codes:
            stmt = stmt.where(HelpRequest.service.in_(query.service_codes))
        if query.statuses:
            stmt = stmt.where(HelpRequest.status.in_([s for status in query.statuses for s in TOSO_STATUSES[status]]))
    requests = list(db.session.scalars(stmt.order_by(HelpRequest.created_at.desc(), HelpRequest.id).limit(MAX_RESULTS)))
    return present(requests, lang)


def get_public_request(reference: str, lang: str) -> dict:
    request = db.session.scalar(select(HelpRequest).where(HelpRequest.reference == reference))
    if request is None:
        raise NotFound(_("No request has the id %(id)s.", id=reference))
    return present([request], lang)[0]


def jurisdiction(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(_("No jurisdiction has the id %(id)s.", id=code))
    return unit


def present(requests: list[HelpRequest], lang: str) -> list[dict]:
    """Requests as the standard shows them: what a partner may read, nothing about any person."""
    ids = [request.id for request in requests]
    services = {
        service.code: service.localised("names", lang)
        for service in db.session.scalars(
            select(Service).where(Service.code.in_({request.service for request in requests}))
        )
    }
    notes, names = {}, {request.id: [request.on_behalf_name] for request in requests}
    if ids:
        for request_id, body in db.session.execute(
            select(Comment.request_id, Comment.body)
            .where(Comment.request_id.in_(ids), Comment.internal.is_(False))
            .order_by(Comment.created_at, Comment.id)
        ):
            notes[request_id] = body  # the latest public reply wins
        for request_id, first, last in db.session.execute(
            select(PartnerFiling.request_id, PartnerFiling.first_name, PartnerFiling.last_name).where(
                PartnerFiling.request_id.in_(ids)
            )
        ):
            names[request_id] += [first, last]
    return [
        {
            "service_request_id": request.reference,
            "status": open311_status(request.status),
            "status_notes": mask_personal(notes.get(request.id), names[request.id]),
            "service_name": services.get(request.service, request.service),
            "service_code": request.service,
            "description": mask_personal(request.description, names[request.id]),
            "agency_responsible": request.team.name if request.team else None,
            "service_notice": None,
            "requested_datetime": w3(request.created_at),
            "updated_datetime": w3(request.updated_at),
            "expected_datetime": w3(request.resolution_due_at),
            "address": request.unit.name,
            "address_id": request.unit.code,
        }
        for request in requests
    ]


def w3(moment: datetime | None) -> str | None:
    """W3C date-time in Vietnam's clock (UTC+7, no daylight saving)."""
    if moment is None:
        return None
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def mask_personal(text: str | None, names: list[str | None]) -> str | None:
    """Free text with phone numbers and the names known for the request replaced by ***."""
    if not text:
        return text
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "VN", leniency=phonenumbers.Leniency.POSSIBLE))):
        text = text[: match.start] + MASK + text[match.end :]
    words = {part for name in names if name for part in [name, *name.split()] if len(part) >= 2}
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", MASK, text, flags=re.IGNORECASE)
    return text
