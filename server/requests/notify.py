"""What each person is told when a request changes (rendered later in the recipient's language)."""

from datetime import timedelta, timezone

from flask_babel import gettext as _

from ..auth.models import User
from ..content.catalogue import service_name
from ..notifications.services import enqueue
from ..roles.models import Role
from .models import HelpRequest
from .routing import local_users, team_users

EXCERPT = 80
VIETNAM_TIME = timezone(timedelta(hours=7))  # no daylight saving


def _summary(request: HelpRequest) -> str:
    """What a team member reads first: the service, the village and the start of the need."""
    return _(
        "%(service)s in %(unit)s: %(text)s",
        service=_service(request),
        unit=request.unit.name,
        text=_excerpt(request.description),
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _service(request: HelpRequest) -> str:
    from flask_babel import get_locale

    return service_name(request.service, str(get_locale() or "vi"))


def new_request(request: HelpRequest, actor: User) -> None:
    """The team's queue has a new request; with no team (unrouted) its dispatchers hear about it,
    and the requester is told honestly that no team serves their village yet, and who follows up."""
    from .dispatch import dispatchers, follow_up

    recipients = team_users(request.team_id) if request.team_id else []
    if not recipients and request.team_id:
        recipients = local_users(request.unit, (Role.TEAM_LEADER,))
    if request.team_id is None:
        recipients = dispatchers(request.unit)
        who = follow_up(request.unit)
        enqueue(
            [request.requester],
            "request_unrouted",
            lambda: (
                _("Request %(reference)s is waiting for a team", reference=request.reference),
                who.message(request.unit),
            ),
            request.id,
        )
    enqueue(
        recipients,
        "request_new" if request.team_id else "request_unrouted_new",
        lambda: (
            _("New help request %(reference)s", reference=request.reference)
            if request.team_id
            else _("Request %(reference)s needs a team", reference=request.reference),
            _summary(request),
        ),
        request.id,
        skip=actor,
    )


def _helper(request: HelpRequest) -> str:
    """How the requester is told who helps them: the name they chose, else their team's name."""
    if request.assignee and request.assignee.display_name:
        return request.assignee.display_name
    return request.team.name if request.team else _("A team member")


def _tell_requester(request: HelpRequest, actor: User, kind: str, render) -> None:
    enqueue([request.requester], kind, render, request.id, skip=actor)


def claimed(request: HelpRequest, actor: User) -> None:
    _tell_requester(
        request,
        actor,
        "request_taken",
        lambda: (
            _("Request %(reference)s has been taken", reference=request.reference),
            _("%(who)s will help you with it.", who=_helper(request)),
        ),
    )


def assigned(request: HelpRequest, actor: User) -> None:
    enqueue(
        [request.assignee],
        "request_assigned",
        lambda: (
            _("Request %(reference)s is yours", reference=request.reference),
            _summary(request),
        ),
        request.id,
        skip=actor,
    )
    claimed(request, actor)


def started(request: HelpRequest, actor: User) -> None:
    _tell_requester(
        request,
        actor,
        "request_started",
        lambda: (
            _("Work on request %(reference)s has started", reference=request.reference),
            _("%(who)s is working on it now.", who=_helper(request)),
        ),
    )


def dispatched(request: HelpRequest, actor: User) -> None:
    """An unrouted request was handed to a team: its members, and the requester, hear about it."""
    enqueue(
        team_users(request.team_id),
        "request_new",
        lambda: (
            _("New help request %(reference)s", reference=request.reference),
            _summary(request),
        ),
        request.id,
        skip=actor,
    )
    _tell_requester(
        request,
        actor,
        "request_dispatched",
        lambda: (
            _("Request %(reference)s was passed to a team", reference=request.reference),
            _("%(team)s will help you with it.", team=request.team.name),
        ),
    )


def reply(request: HelpRequest, actor: User, body: str) -> None:
    """A public reply: the requester hears from the team, the assignee (or team) from the requester."""
    if actor.id == request.requester_id:
        recipients = (
            [request.assignee] if request.assignee else (team_users(request.team_id) if request.team_id else [])
        )
    else:
        recipients = [request.requester]
    enqueue(
        recipients,
        "request_reply",
        lambda: (
            _("New reply on %(reference)s", reference=request.reference),
            _excerpt(body),
        ),
        request.id,
        skip=actor,
    )


def resolved(request: HelpRequest, actor: User) -> None:
    enqueue(
        [request.requester],
        "request_resolved",
        lambda: (
            _("Request %(reference)s is resolved", reference=request.reference),
            _("Please confirm that it works and rate the help you received."),
        ),
        request.id,
        skip=actor,
    )


def status_changed(request: HelpRequest, actor: User, kind: str) -> None:
    """Cancelled or reopened (the assignee hears) and merged (the requester hears)."""
    texts = {
        "request_cancelled": lambda: (
            _("Request %(reference)s was cancelled", reference=request.reference),
            _("The person who asked no longer needs help."),
        ),
        "request_reopened": lambda: (
            _("Request %(reference)s was reopened", reference=request.reference),
            _("The problem is not solved yet; please get back in touch."),
        ),
        "request_merged": lambda: (
            _("Request %(reference)s was merged", reference=request.reference),
            _(
                "It is handled together with request %(other)s.",
                other=request.merged_into.reference if request.merged_into else "",
            ),
        ),
    }
    recipients = [request.requester] if kind == "request_merged" else [request.assignee]
    enqueue(recipients, kind, texts[kind], request.id, skip=actor)


def overdue(request: HelpRequest) -> None:
    """Escalation: the team's leaders, the commune's monitors and the assignee (and, for a request
    no team serves, its dispatchers)."""
    from .dispatch import dispatchers

    recipients = local_users(request.unit, (Role.TEAM_LEADER, Role.MONITOR)) + [request.assignee]
    if request.team_id is None:  # nobody works it yet: those who hand it to a team must hear
        recipients += dispatchers(request.unit)
    enqueue(
        recipients,
        "request_overdue",
        lambda: (
            _("Request %(reference)s is overdue", reference=request.reference),
            _(
                "%(service)s in %(unit)s has waited since %(date)s.",
                service=_service(request),
                unit=request.unit.name,
                date=request.created_at.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y"),
            ),
        ),
        request.id,
    )
