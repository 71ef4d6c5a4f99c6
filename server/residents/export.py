"""Everything ToSo holds about one resident, as JSON: the right of access of the data-protection law."""

import uuid

from sqlalchemy import or_, select

from ..auth.scope import Scope
from ..extensions import db
from ..signals import person_exported
from ..types import utcnow
from .access_log import log_access
from .models import PersonalDataAccess, Resident
from .services import load_resident, merged_records


def export_resident(scope: Scope, resident_id: uuid.UUID) -> dict:
    """Profile (with records merged into it), assistance records, help requests (those the records
    answer, and those filed from the resident's own phone number) and who accessed the data."""
    from ..activities.models import Activity

    resident = load_resident(scope, resident_id)
    log_access(scope, [resident], "export")
    group = [resident, *merged_records(resident)]
    ids = [person.id for person in group]
    activities = list(db.session.scalars(select(Activity).where(Activity.resident_id.in_(ids))
                                         .order_by(Activity.occurred_at, Activity.id)))
    accesses = db.session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.resident_id.in_(ids))
                                  .order_by(PersonalDataAccess.id))
    phones = [person.phone for person in group if person.phone]
    sections = {name: data for _receiver, added in person_exported.send(__name__, phones=phones)
                for name, data in added.items()}
    return {
        "exported_at": utcnow().isoformat(),
        "resident": _profile(resident),
        "merged_records": [_profile(person) for person in group[1:]],
        "activities": [_activity(a) for a in activities],
        "help_requests": [_request(r) for r in _help_requests(group, activities)],
        "access_log": [{"at": e.at.isoformat(), "action": e.action, "by": e.user.display_name or e.user.phone}
                       for e in accesses],
        **sections,
    }


def _profile(resident: Resident) -> dict:
    return {
        "id": str(resident.id), "unit": {"code": resident.unit.code, "name": resident.unit.name},
        "name": resident.name, "birth_year": resident.birth_year, "gender": resident.gender,
        "household": resident.household, "phone": resident.phone, "languages": resident.languages or [],
        "consent": resident.consent, "consent_at": resident.consent_at and resident.consent_at.isoformat(),
        "created_at": resident.created_at.isoformat(),
        "merged_into": resident.merged_into_id and str(resident.merged_into_id),
        "erased_at": resident.erased_at and resident.erased_at.isoformat(),
    }


def _activity(activity) -> dict:
    return {
        "id": str(activity.id), "unit": activity.unit_code, "service": activity.service,
        "action": activity.action, "outcome": activity.outcome, "blocker": activity.blocker,
        "occurred_at": activity.occurred_at.isoformat(), "minutes": activity.minutes, "note": activity.note,
        "request": activity.request_id and str(activity.request_id),
        "supersedes": activity.supersedes_id and str(activity.supersedes_id),
    }


def _help_requests(group: list[Resident], activities: list) -> list:
    from ..auth.models import User
    from ..requests.models import HelpRequest

    answered = {a.request_id for a in activities if a.request_id}
    phones = {person.phone for person in group if person.phone}
    own = select(User.id).where(User.phone.in_(phones))
    return list(db.session.scalars(select(HelpRequest).where(
        or_(HelpRequest.id.in_(answered), HelpRequest.requester_id.in_(own))).order_by(HelpRequest.created_at)))


def _request(request) -> dict:
    return {
        "id": str(request.id), "reference": request.reference, "unit": request.unit.code,
        "service": request.service, "description": request.description, "status": request.status,
        "created_at": request.created_at.isoformat(),
        "resolved_at": request.resolved_at and request.resolved_at.isoformat(),
    }
