"""Filing, reading, commenting on and rating help requests (the state machine is in transitions.py)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from ..auth.scope import Ability, Scope
from ..content.catalogue import known_service_codes
from ..dbutil import insert_ignoring_conflicts, insert_new_row
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, shown
from ..extensions import db
from ..pagination import Page, paginate
from ..privacy import mask_citizen_ids
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import any_subtree_condition, subtree_condition
from . import notify
from .models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Comment,
    HelpRequest,
    Rating,
    ReferenceCounter,
    RequestEvent,
    Status,
)
from .sla import due_times, overdue_condition
from .states import RequestView, present, works_on

REQUEST_LEVELS = ("village", "group", "commune")
REFERENCE_PREFIX = "HT"


@dataclass
class OnBehalfOf:
    """A resident without a phone, described inline (no phone number, no ID number)."""

    name: str
    birth_year: int | None = None


# --- reading ---------------------------------------------------------------------------------


def visible_condition(scope: Scope):
    """Requesters see their own; team members their team's area; leaders and monitors their subtree."""
    # One set of subtree ranges, and no constant FALSE term: SQLite answers an OR from indexes
    # only when every term is indexable.
    area = scope.paths(Ability.READ)
    mine = HelpRequest.requester_id == scope.user.id
    # A request handed to a team that serves elsewhere (dispatch) is that team's, and its assignee's.
    teams = [m.team.id for m in scope.memberships]
    handed = [HelpRequest.team_id.in_(teams), HelpRequest.assignee_id == scope.user.id] if teams else []
    return or_(mine, *handed, any_subtree_condition(HelpRequest.unit_path, area)) if area else or_(mine, *handed)


def is_staff(scope: Scope, request: HelpRequest) -> bool:
    """Team members, leaders and monitors over the request's village see internal notes."""
    return works_on(scope, request) or scope.readable(request.unit)


def get_request(scope: Scope, request_id: uuid.UUID) -> HelpRequest:
    request = db.session.scalar(select(HelpRequest).where(HelpRequest.id == request_id, visible_condition(scope)))
    if request is None:
        raise NotFound(_("Not found, or outside your area."))
    return request


def detail_view(scope: Scope, request: HelpRequest) -> RequestView:
    """The request with its history, the comments the caller may read, and its rating."""
    view = present(scope, request)
    comments = select(Comment).where(Comment.request_id == request.id)
    if not is_staff(scope, request):
        comments = comments.where(Comment.internal.is_(False))
    view.comments = list(db.session.scalars(comments.order_by(Comment.created_at, Comment.id)))
    view.history = list(
        db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.id))
    )
    view.rating = db.session.get(Rating, request.id)
    return view


@dataclass
class RequestFilters:
    status: list[str] | None = None
    service: str | None = None
    unit: str | None = None
    assigned_to_me: bool = False
    mine: bool = False
    overdue: bool | None = None
    updated_since: datetime | None = None


def list_requests(scope: Scope, filters: RequestFilters, cursor: str | None, limit: int | None) -> Page:
    """Requests the caller may see, oldest first (a queue is worked from its oldest request)."""
    stmt = select(HelpRequest).where(visible_condition(scope))
    if filters.status:
        stmt = stmt.where(HelpRequest.status.in_(filters.status))
    if filters.service:
        stmt = stmt.where(HelpRequest.service == filters.service)
    if filters.unit:
        stmt = stmt.where(subtree_condition(HelpRequest.unit_path, _unit_for_filter(filters.unit).path))
    if filters.assigned_to_me:
        stmt = stmt.where(HelpRequest.assignee_id == scope.user.id)
    if filters.mine:
        stmt = stmt.where(HelpRequest.requester_id == scope.user.id)
    if filters.overdue is not None:
        condition = overdue_condition(utcnow())
        stmt = stmt.where(condition if filters.overdue else ~condition)
    if filters.updated_since:
        stmt = stmt.where(HelpRequest.updated_at >= filters.updated_since)
    page = paginate(stmt, (HelpRequest.year, HelpRequest.number), cursor, limit)
    follow_ups: dict = {}
    page.items = [present(scope, request, follow_ups) for request in page.items]
    return page


def _unit_for_filter(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise InvalidInput(
            _("No administrative unit has the code %(code)s.", code=shown(code)), {"unit": [_("Unknown unit.")]}
        )
    return unit


# --- filing ----------------------------------------------------------------------------------


def file_request(
    scope: Scope,
    request_id: uuid.UUID,
    unit_code: str,
    service: str,
    description: str,
    preferred_contact: str | None = None,
    on_behalf_of: OnBehalfOf | None = None,
    locale: str | None = None,
) -> tuple[HelpRequest, bool]:
    """File a request (or recognise a re-sent one); returns (request, created).

    The client's id makes re-sending safe: the same content answers with the stored request,
    different content is a conflict. `locale` is the requester's language if none is known yet."""
    if service not in known_service_codes():
        raise InvalidInput(
            _("Unknown service %(code)s.", code=shown(service)),
            {"service": [_("Choose a service from the catalogue.")]},
        )
    unit = _village(unit_code)
    if on_behalf_of is not None and not scope.allows(Ability.WORK, unit):
        raise Forbidden(
            _("Only a team member serving %(unit)s can ask for help on someone else's behalf.", unit=unit.name)
        )
    content = {
        "unit_id": unit.id,
        "unit_path": unit.path,
        "service": service,
        "requester_id": scope.user.id,
        "description": mask_citizen_ids(description.strip()),
        "preferred_contact": mask_citizen_ids(preferred_contact.strip()) if preferred_contact else None,
        "on_behalf_name": mask_citizen_ids(on_behalf_of.name.strip()) if on_behalf_of else None,
        "on_behalf_birth_year": on_behalf_of.birth_year if on_behalf_of else None,
    }
    if not content["description"]:
        raise InvalidInput(_("Describe what you need help with."), {"description": [_("May not be empty.")]})
    existing = db.session.get(HelpRequest, request_id)
    if existing is not None:
        return _same_request(existing, content), False

    from .routing import route

    if locale and scope.user.locale is None:
        scope.user.locale = locale  # what they are told about it later is in the language they asked in
    now = utcnow()
    team = route(unit)
    year = now.year
    number = _next_number(year)
    first_due, resolution_due = due_times(service, now)
    inserted = insert_new_row(
        HelpRequest.__table__,
        "id",
        dict(
            id=request_id,
            year=year,
            number=number,
            reference=format_reference(year, number),
            team_id=team.id if team else None,
            status=Status.NEW,
            version=1,
            likely_duplicate_of_id=_likely_duplicate(content),
            first_response_due_at=first_due,
            resolution_due_at=resolution_due,
            created_at=now,
            updated_at=now,
            **content,
        ),
    )
    if not inserted:  # the same id arrived twice at once; the other copy won
        return _same_request(db.session.get(HelpRequest, request_id), content), False
    request = db.session.get(HelpRequest, request_id)
    record_event(request, scope.user.id, "file", None, Status.NEW, now=now)
    notify.new_request(request, scope.user)
    db.session.flush()
    return request, True


def format_reference(year: int, number: int) -> str:
    """HT-26-000123: short enough to read out on the phone."""
    return f"{REFERENCE_PREFIX}-{year % 100:02d}-{number:06d}"


def _next_number(year: int) -> int:
    """The year's next number, from a counter row updated in place: no gaps between two
    transactions that commit, and no duplicates on SQLite or PostgreSQL (the row is locked)."""
    counters = ReferenceCounter.__table__
    bump = (
        update(counters)
        .where(counters.c.year == year)
        .values(last_number=counters.c.last_number + 1)
        .returning(counters.c.last_number)
    )
    number = db.session.execute(bump).scalar()
    if number is None:
        db.session.execute(insert_ignoring_conflicts(counters, ["year"]).values(year=year, last_number=0))
        number = db.session.execute(bump).scalar_one()
    return number


def _village(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or unit.level not in REQUEST_LEVELS or unit.abolished_at is not None:
        raise InvalidInput(
            _("Choose the village (or commune) where help is needed."), {"unit": [_("Unknown village.")]}
        )
    return unit


def _same_request(existing: HelpRequest, content: dict) -> HelpRequest:
    if any(getattr(existing, field) != value for field, value in content.items()):
        raise Conflict(_("A different request was already sent with this id."))
    return existing


def _likely_duplicate(content: dict) -> uuid.UUID | None:
    """An open request from the same person, for the same service and resident, is probably this one."""
    return db.session.scalar(
        select(HelpRequest.id)
        .where(
            HelpRequest.requester_id == content["requester_id"],
            HelpRequest.service == content["service"],
            HelpRequest.status.in_(OPEN_STATUSES),
            HelpRequest.on_behalf_name.is_(None)
            if content["on_behalf_name"] is None
            else HelpRequest.on_behalf_name == content["on_behalf_name"],
        )
        .order_by(HelpRequest.created_at)
        .limit(1)
    )


def record_event(
    request: HelpRequest,
    actor_id: int | None,
    action: str,
    from_status: str | None,
    to_status: str,
    note: str | None = None,
    now: datetime | None = None,
) -> RequestEvent:
    event = RequestEvent(
        request_id=request.id,
        actor_id=actor_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=mask_citizen_ids(note),
        created_at=now or utcnow(),
    )
    db.session.add(event)
    return event


def touch(request: HelpRequest, now: datetime, **values) -> None:
    """Bump the version (a new ETag) for a change that does not move the status."""
    db.session.execute(
        update(HelpRequest.__table__)
        .where(HelpRequest.__table__.c.id == request.id)
        .values(version=HelpRequest.__table__.c.version + 1, updated_at=now, **values)
    )
    db.session.refresh(request)


# --- comments and rating ---------------------------------------------------------------------


def add_comment(
    scope: Scope, request_id: uuid.UUID, body: str, internal: bool, comment_id: uuid.UUID | None = None
) -> tuple[Comment, bool]:
    """A public reply (requester or team) or an internal note (team and monitors); returns (comment, created)."""
    request = get_request(scope, request_id)
    staff = is_staff(scope, request)
    working = works_on(scope, request)
    if internal and not staff:
        raise Forbidden(_("Only the team and monitors can write internal notes."))
    if not internal and not (working or request.requester_id == scope.user.id):
        raise Forbidden(_("Only the person who asked and the team can reply."))
    body = mask_citizen_ids(body.strip())
    if not body:
        raise InvalidInput(_("Write something first."), {"body": [_("May not be empty.")]})
    comment_id = comment_id or uuid.uuid4()
    existing = db.session.get(Comment, comment_id)
    if existing is None:
        now = utcnow()
        inserted = insert_new_row(
            Comment.__table__,
            "id",
            dict(
                id=comment_id,
                request_id=request.id,
                author_id=scope.user.id,
                body=body,
                internal=internal,
                created_at=now,
            ),
        )
        if inserted:
            first_response = (
                not internal
                and request.first_responded_at is None
                and scope.user.id != request.requester_id
                and working
            )
            if not internal and scope.user.id == request.requester_id and request.status == Status.WAITING_ON_RESIDENT:
                from .transitions import resume_after_reply

                resume_after_reply(request, scope.user, now)  # the answer the team was waiting for
            else:
                touch(request, now, **({"first_responded_at": now} if first_response else {}))
            if not internal:
                notify.reply(request, scope.user, body)
            db.session.flush()
            return db.session.get(Comment, comment_id), True
        existing = db.session.get(Comment, comment_id)
    if (existing.request_id, existing.author_id, existing.body, existing.internal) != (
        request.id,
        scope.user.id,
        body,
        internal,
    ):
        raise Conflict(_("A different comment was already sent with this id."))
    return existing, False


def rate_request(scope: Scope, request_id: uuid.UUID, score: int, comment: str | None) -> Rating:
    """The requester rates once, after resolution; a member's rating for a phone-less resident is flagged."""
    request = get_request(scope, request_id)
    if request.requester_id != scope.user.id:
        raise Forbidden(_("Only the person who asked for help can rate it."))
    if request.status not in (Status.RESOLVED, Status.CLOSED):
        raise Conflict(_("A request can be rated once it is resolved."))
    now = utcnow()
    inserted = insert_new_row(
        Rating.__table__,
        "request_id",
        dict(
            request_id=request.id,
            score=score,
            comment=mask_citizen_ids(comment.strip()) if comment else None,
            rated_by_id=scope.user.id,
            on_behalf=request.on_behalf_name is not None,
            created_at=now,
        ),
    )
    if not inserted:
        raise Conflict(_("This request has already been rated."))
    record_event(request, scope.user.id, "rate", request.status, request.status, note=f"{score}/5", now=now)
    touch(request, now)
    db.session.flush()
    return db.session.get(Rating, request.id)


assert set(OPEN_STATUSES) | set(FINISHED_STATUSES) == set(Status)
