"""A unit's help requests and teams, where leaders act and monitors dispatch.

Every action goes through the same services as the app's API (requests.transitions,
teams.services): the page shows exactly the actions those rules allow the caller, and a new
rule there (dispatching unrouted requests, say) appears here without a change."""

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import User
from ..content.catalogue import known_service_codes, service_names
from ..coverage.services import readable_unit
from ..emulation.trainings import skills_of
from ..errors import DomainError, InvalidInput, NotFound
from ..extensions import db
from ..phones import InvalidPhone, normalise_phone
from ..requests.models import HelpRequest, RequestEvent, Status
from ..requests.services import RequestFilters, list_requests
from ..requests.states import ACTION_LABELS, STATUS_LABELS
from ..requests.transitions import apply_action
from ..teams import services as team_services
from ..teams.roster import teams_in_area
from .forms import check_csrf
from .session import session_scope
from .views import _visible_ancestors, blp

PAGE_SIZE = 50
OVERDUE_CHOICES = {"yes": True, "no": False}
# What an action needs besides the request: the form shows these inputs next to its button.
ACTION_INPUTS = {"assign": ("assignee",), "merge": ("into",)}
# A request's history also holds what happens outside the transitions.
EVENT_LABELS = {**ACTION_LABELS, "file": _l("filed"), "rate": _l("rated"), "escalate": _l("escalated (overdue)")}


def _filters(code: str) -> RequestFilters:
    status = request.args.get("status") or None
    service = request.args.get("service") or None
    overdue = request.args.get("overdue") or None
    if status is not None and status not in set(Status):
        raise InvalidInput(_("Unknown status."), {"status": [_("Unknown status.")]})
    if service is not None and service not in known_service_codes():
        raise InvalidInput(_("Unknown service %(code)s.", code=service), {"service": [_("Unknown service.")]})
    if overdue is not None and overdue not in OVERDUE_CHOICES:
        raise InvalidInput(_("Choose yes or no."), {"overdue": [_("Choose yes or no.")]})
    return RequestFilters(
        status=[status] if status else None, service=service, unit=code, overdue=OVERDUE_CHOICES.get(overdue)
    )


@blp.get("/dashboard/units/<code>/requests")
def unit_requests(code):
    scope = session_scope()
    unit = readable_unit(scope, code)
    filters = _filters(code)
    page = list_requests(scope, filters, request.args.get("cursor") or None, PAGE_SIZE)
    history = _histories([r.id for r in page.items])
    dispatchable = any(r.team_id is None and "assign" in r.allowed_actions for r in page.items)
    return render_template(
        "dashboard/requests.html",
        unit=unit,
        ancestors=_visible_ancestors(scope, unit),
        page=page,
        history=history,
        people=_people(page.items, history),
        services=service_names(str(get_locale())),
        status_labels=STATUS_LABELS,
        action_labels=ACTION_LABELS,
        event_labels=EVENT_LABELS,
        action_inputs=ACTION_INPUTS,
        chosen={key: request.args.get(key, "") for key in ("status", "service", "overdue")},
        dispatch_teams=team_services.list_teams(scope, None, None, 500).items if dispatchable else [],
        period="all",
    )


def _histories(ids: list[uuid.UUID]) -> dict[uuid.UUID, list[RequestEvent]]:
    """Every listed request's history in one query."""
    found = {request_id: [] for request_id in ids}
    if ids:
        for event in db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id.in_(ids)).order_by(RequestEvent.id)
        ):
            found[event.request_id].append(event)
    return found


def _people(requests: list[HelpRequest], history: dict) -> dict[int, str]:
    """Names (or phone numbers) of assignees and of everyone in the histories, in one query."""
    ids = {r.assignee_id for r in requests if r.assignee_id}
    ids |= {e.actor_id for events in history.values() for e in events if e.actor_id}
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {u.id: u.display_name or u.phone or _("someone") for u in users}


def action_arguments(action: str, form) -> dict:
    """The keyword arguments of apply_action that the form carries for `action` (the hook where a new
    action's inputs are read)."""
    arguments = {"note": (form.get("note") or "").strip()[:500] or None}
    if action == "assign" and form.get("team"):  # dispatch: hand it to a team of the area
        if not form["team"].isdigit():
            raise InvalidInput(_("Choose a team of your area."), {"team": [_("Choose a team of your area.")]})
        arguments["team_id"] = int(form["team"])  # into the team's queue, or to one of its members
        arguments["assignee_phone"] = _phone(form["assignee"], "assignee") if form.get("assignee") else None
    elif action == "assign":
        arguments["assignee_phone"] = _phone(form.get("assignee", ""), "assignee")
    if action == "merge":
        reference = (form.get("into") or "").strip().upper()
        into = db.session.scalar(select(HelpRequest.id).where(HelpRequest.reference == reference))
        if into is None:
            raise InvalidInput(
                _("No request has the reference %(reference)s.", reference=reference[:20]),
                {"into": [_("Unknown reference.")]},
            )
        arguments["into"] = into
    return arguments


def _phone(raw: str, field: str) -> str:
    try:
        return normalise_phone(raw.strip())
    except InvalidPhone:
        message = _("Not a valid phone number.")
        raise InvalidInput(message, {field: [message]})


@blp.post("/dashboard/units/<code>/requests/<uuid:request_id>")
def act_on_request(code, request_id):
    """One action from the requests page; the outcome is shown on the page it came from."""
    scope = session_scope()
    check_csrf()
    readable_unit(scope, code)
    action = request.form.get("action", "")
    if action not in ACTION_LABELS:
        raise NotFound(_("Nothing exists at this address."))
    version = request.form.get("version", "")
    try:
        changed = apply_action(
            scope,
            request_id,
            action,
            expected_version=int(version) if version.isdigit() else None,
            **action_arguments(action, request.form),
        )
        db.session.commit()
        flash(
            _("%(reference)s is now %(status)s.", reference=changed.reference, status=STATUS_LABELS[changed.status]),
            "ok",
        )
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.detail, "error")
    back = {key: request.form.get(key) for key in ("status", "service", "overdue") if request.form.get(key)}
    return redirect(url_for("dashboard.unit_requests", code=code, **back))


@blp.get("/dashboard/units/<code>/teams")
def unit_teams(code):
    scope = session_scope()
    unit = readable_unit(scope, code)
    teams = teams_in_area(scope, unit)
    return render_template(
        "dashboard/teams.html",
        unit=unit,
        ancestors=_visible_ancestors(scope, unit),
        teams=teams,
        skills=skills_of([m.member.phone for overview in teams for m in overview.members]),
        services=service_names(str(get_locale())),
        period="all",
    )


@blp.post("/dashboard/units/<code>/teams/<int:team_id>/members")
def add_team_member(code, team_id):
    scope = session_scope()
    check_csrf()
    readable_unit(scope, code)
    try:
        phone = _phone(request.form.get("phone", ""), "phone")
        name = (request.form.get("display_name") or "").strip()[:120] or None
        team_services.add_member(scope, team_id, phone, name)
        db.session.commit()
        flash(_("%(phone)s was added to the team.", phone=phone), "ok")
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.detail, "error")
    return redirect(url_for("dashboard.unit_teams", code=code) + f"#team-{team_id}")


@blp.post("/dashboard/units/<code>/teams/<int:team_id>/members/<int:member_id>/remove")
def remove_team_member(code, team_id, member_id):
    scope = session_scope()
    check_csrf()
    readable_unit(scope, code)
    try:
        team_services.remove_member(scope, team_id, member_id)
        db.session.commit()
        flash(_("The member was removed from the team."), "ok")
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.detail, "error")
    return redirect(url_for("dashboard.unit_teams", code=code) + f"#team-{team_id}")
