"""Race-safe transitions of a help request (the rules are in states.py).

Every transition is one conditional UPDATE … WHERE id AND status IN (allowed) AND version:
of any number of simultaneous claims the database lets exactly one through."""

import uuid
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import User
from ..auth.scope import Ability, Scope, load_scope
from ..errors import Conflict, Forbidden, InvalidInput, PreconditionFailed
from ..extensions import db
from ..teams.models import Team, TeamMember
from ..types import utcnow
from . import notify
from .models import HelpRequest, Status
from .routing import covering_team
from .services import get_request, record_event
from .states import ACTION_LABELS, DISPATCHER, MANAGER, STATUS_LABELS, TRANSITIONS, allowed_actions, roles_of, works_on


def apply_action(
    scope: Scope,
    request_id: uuid.UUID,
    action: str,
    expected_version: int | None = None,
    note: str | None = None,
    assignee_phone: str | None = None,
    into: uuid.UUID | None = None,
    team_id: int | None = None,
) -> HelpRequest:
    """Run one action; 403 if the caller may not, 412 on a stale version, 409 from a wrong state."""
    request = get_request(scope, request_id)
    rule = TRANSITIONS[action]
    if not roles_of(scope, request) & set(rule.actors):
        raise Forbidden(_("You may not %(action)s this request.", action=ACTION_LABELS[action]))
    if expected_version is not None and expected_version != request.version:
        raise PreconditionFailed(
            _(
                "This request has changed since you read it (now version %(version)s). Reload it and try again.",
                version=request.version,
            )
        )
    if request.status not in rule.sources:
        raise Conflict(_wrong_state_message(scope, request, action))
    now = utcnow()
    changes, after = _changes(scope, request, action, now, assignee_phone, into, team_id)
    before = request.status
    _conditional_update(request, rule.sources, changes | {"updated_at": now})
    record_event(request, scope.user.id, action, before, request.status, note=note, now=now)
    after(request, scope.user)
    db.session.flush()
    return request


def _wrong_state_message(scope: Scope, request: HelpRequest, action: str) -> str:
    allowed = allowed_actions(scope, request)
    return _(
        "You cannot %(action)s this request while it is %(status)s. Allowed now: %(allowed)s.",
        status=STATUS_LABELS[request.status],
        action=ACTION_LABELS[action],
        allowed=", ".join(str(ACTION_LABELS[a]) for a in allowed) or _("nothing"),
    )


def _conditional_update(request: HelpRequest, sources, values: dict) -> None:
    table = HelpRequest.__table__
    result = db.session.execute(
        update(table)
        .where(
            table.c.id == request.id, table.c.status.in_([str(s) for s in sources]), table.c.version == request.version
        )
        .values(version=request.version + 1, **values)
    )
    if result.rowcount != 1:
        db.session.refresh(request)
        raise Conflict(
            _(
                "Someone else changed this request just now (it is %(status)s). Reload it.",
                status=STATUS_LABELS[request.status],
            )
        )
    # The row now holds exactly these values: set them as loaded instead of reading the row again.
    for key, value in values.items():
        set_committed_value(request, key, value)
    set_committed_value(request, "version", request.version + 1)
    db.session.expire(request, ["assignee", "team"])


def _nothing(request, actor):
    return None


def _changes(scope: Scope, request: HelpRequest, action: str, now: datetime, assignee_phone, into, team_id=None):
    """The columns an action sets, and what to tell people afterwards."""
    first_response = {"first_responded_at": request.first_responded_at or now}
    if action == "claim":
        team = covering_team(scope, request.unit)
        return (
            first_response
            | {"status": Status.ASSIGNED, "assignee_id": scope.user.id}
            | ({"team_id": team.id} if team else {})
        ), notify.claimed
    if action == "assign" and team_id is not None:
        return _dispatch(scope, request, team_id, assignee_phone, first_response)
    if action == "assign":
        if MANAGER not in roles_of(scope, request):
            raise InvalidInput(
                _("Say which team should take the request."), {"team": [_("Missing data for required field.")]}
            )
        assignee, assignee_scope = _assignee(assignee_phone, request)
        team = covering_team(assignee_scope, request.unit)
        keep_team = team is None or request.team_id in {m.team.id for m in assignee_scope.memberships}
        return (
            first_response
            | {"status": Status.ASSIGNED, "assignee_id": assignee.id}
            | ({} if keep_team else {"team_id": team.id})
        ), notify.assigned
    if action == "start":
        return first_response | {"status": Status.IN_PROGRESS} | _unpause(request, now), notify.started
    if action == "resume":
        return first_response | {"status": Status.IN_PROGRESS} | _unpause(request, now), _nothing
    if action == "wait":
        return {"status": Status.WAITING_ON_RESIDENT, "paused_at": now}, _nothing
    if action == "resolve":
        return (
            first_response | _unpause(request, now) | {"status": Status.RESOLVED, "resolved_at": now}
        ), notify.resolved
    if action == "close":
        return {"status": Status.CLOSED, "closed_at": now}, _nothing
    if action == "cancel":
        return {"status": Status.CANCELLED, "paused_at": None}, lambda r, actor: notify.status_changed(
            r, actor, "request_cancelled"
        )
    if action == "reopen":
        return _reopen(request, now), lambda r, actor: notify.status_changed(r, actor, "request_reopened")
    if action == "merge":
        target = _merge_target(scope, request, into)
        return {
            "status": Status.MERGED,
            "merged_into_id": target.id,
            "paused_at": None,
        }, lambda r, actor: notify.status_changed(r, actor, "request_merged")
    raise AssertionError(action)


def _unpause(request: HelpRequest, now: datetime) -> dict:
    """Time spent waiting on the resident does not count against the team: due times move on."""
    if request.paused_at is None:
        return {}
    waited = now - request.paused_at
    changes = {"paused_at": None, "resolution_due_at": request.resolution_due_at + waited}
    if request.first_responded_at is None:
        changes["first_response_due_at"] = request.first_response_due_at + waited
    return changes


def _reopen(request: HelpRequest, now: datetime) -> dict:
    days = current_app.config["HELP_REQUEST_REOPEN_DAYS"]
    if request.resolved_at is None or now - request.resolved_at > timedelta(days=days):
        raise Conflict(_("A request can be reopened only within %(days)s days of being resolved.", days=days))
    from .sla import sla_hours

    return {
        "status": Status.ASSIGNED if request.assignee_id else Status.NEW,
        "resolved_at": None,
        "closed_at": None,
        "escalated_at": None,
        "resolution_due_at": now + timedelta(hours=sla_hours(request.service)[1]),
    }


def _dispatch(scope: Scope, request: HelpRequest, team_id: int, assignee_phone: str | None, first_response: dict):
    """Hand the request to a team of the caller's area: into its queue, or to one of its members."""
    from .dispatch import may_dispatch_to

    team = db.session.get(Team, team_id)
    manages = team is not None and scope.allows(Ability.MANAGE, team.unit) and MANAGER in roles_of(scope, request)
    if team is None or not (manages or (DISPATCHER in roles_of(scope, request) and may_dispatch_to(scope, team))):
        raise InvalidInput(_("Choose a team of your area."), {"team": [_("Not a team of your area.")]})
    if assignee_phone is None:
        return {"status": Status.NEW, "team_id": team.id, "assignee_id": None}, notify.dispatched
    assignee = db.session.scalar(select(User).where(User.phone == assignee_phone))
    if assignee is None or not db.session.scalar(
        select(TeamMember.id).where(TeamMember.team_id == team.id, TeamMember.phone == assignee_phone)
    ):
        raise InvalidInput(
            _("%(phone)s is not a member of %(team)s.", phone=assignee_phone, team=team.name),
            {"assignee": [_("Not a member of this team.")]},
        )
    return (
        first_response | {"status": Status.ASSIGNED, "team_id": team.id, "assignee_id": assignee.id}
    ), notify.assigned


def resume_after_reply(request: HelpRequest, requester: User, now: datetime) -> None:
    """The requester answered what the team was waiting for: the request is worked on again."""
    try:
        _conditional_update(
            request,
            (Status.WAITING_ON_RESIDENT,),
            {"status": Status.IN_PROGRESS, "updated_at": now} | _unpause(request, now),
        )
    except Conflict:
        return  # someone moved it just now; the reply itself stands
    record_event(request, requester.id, "resume", Status.WAITING_ON_RESIDENT, Status.IN_PROGRESS, now=now)


def _assignee(phone: str | None, request: HelpRequest) -> tuple[User, Scope]:
    if not phone:
        raise InvalidInput(_("Say who should take the request."), {"assignee": [_("Missing data for required field.")]})
    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is None:
        raise InvalidInput(
            _("%(phone)s has not signed in to ToSo yet.", phone=phone), {"assignee": [_("Not a ToSo user yet.")]}
        )
    assignee_scope = load_scope(user)
    if not works_on(assignee_scope, request):
        raise InvalidInput(
            _("%(phone)s is not on a team serving %(unit)s.", phone=phone, unit=request.unit.name),
            {"assignee": [_("Not on a team serving this village.")]},
        )
    return user, assignee_scope


def _merge_target(scope: Scope, request: HelpRequest, into: uuid.UUID | None) -> HelpRequest:
    if into is None:
        raise InvalidInput(
            _("Say which request this one duplicates."), {"into": [_("Missing data for required field.")]}
        )
    if into == request.id:
        raise InvalidInput(_("A request cannot be merged into itself."), {"into": [_("Choose another request.")]})
    target = get_request(scope, into)
    if target.status in (Status.CANCELLED, Status.MERGED):
        raise InvalidInput(
            _("Merge into a request that is still being handled."),
            {"into": [_("This request is %(status)s.", status=STATUS_LABELS[target.status])]},
        )
    return target
