"""Everything ToSo holds about one resident: the right of access of the data-protection law.

Every object listed is filtered by the caller's scope, like any other answer: the resident
(signed in with their own number) gets all of it; a member, leader or monitor gets only what they
may read anyway, so registering a stranger's phone number never opens a stranger's requests."""

import uuid

from sqlalchemy import or_, select

from ..auth.scope import Scope
from ..extensions import db
from ..signals import person_exported
from ..types import utcnow
from .access_log import is_self, log_access
from .models import PersonalDataAccess, Resident
from .services import load_resident, merged_records


def export_resident(scope: Scope, resident_id: uuid.UUID) -> dict:
    """Profile (with records merged into it), assistance records, help requests (those the records
    answer, and those filed from the resident's own phone number) and who accessed the data."""
    from ..activities.models import Activity
    from ..activities.services import visible_condition as activity_visible

    resident = load_resident(scope, resident_id)
    log_access(scope, [resident], "export")
    own = is_self(scope, resident)
    group = [resident, *(person for person in merged_records(resident) if own or scope.readable(person.unit))]
    ids = [person.id for person in group]
    activities = select(Activity).where(Activity.resident_id.in_(ids))
    if not own:
        activities = activities.where(activity_visible(scope))
    activities = list(db.session.scalars(activities.order_by(Activity.occurred_at, Activity.id)))
    accesses = db.session.scalars(
        select(PersonalDataAccess).where(PersonalDataAccess.resident_id.in_(ids)).order_by(PersonalDataAccess.id)
    )
    phones = [person.phone for person in group if person.phone]
    sections = {
        name: data
        for _receiver, added in person_exported.send(__name__, phones=phones, scope=None if own else scope)
        for name, data in added.items()
    }
    return {
        "exported_at": utcnow(),
        "resident": resident,
        "merged_records": group[1:],
        "activities": activities,
        "help_requests": requests_of(scope, own, group, activities),
        "access_log": list(accesses),
        **sections,
    }


def requests_of(scope: Scope, own: bool, group: list[Resident], activities: list) -> list:
    """The help requests the export calls the resident's (and erasure clears), as the caller may read them."""
    from ..auth.models import User
    from ..requests.models import HelpRequest
    from ..requests.services import visible_condition

    answered = {a.request_id for a in activities if a.request_id}
    phones = {person.phone for person in group if person.phone}
    filed = select(User.id).where(User.phone.in_(phones))
    stmt = select(HelpRequest).where(or_(HelpRequest.id.in_(answered), HelpRequest.requester_id.in_(filed)))
    if not own:
        stmt = stmt.where(visible_condition(scope))
    return list(db.session.scalars(stmt.order_by(HelpRequest.created_at)))
