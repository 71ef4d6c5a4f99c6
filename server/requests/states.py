"""The state machine of a help request: which action leads from which status to which, and who may.

new → assigned → in_progress ⇄ waiting_on_resident → resolved → closed; cancelled before
resolution; reopened within a few days of resolution; merged into another request."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..auth.scope import Ability, Scope
from ..types import utcnow
from .models import OPEN_STATUSES, HelpRequest, Status

REQUESTER, WORKER, MANAGER, ASSIGNEE = "requester", "worker", "manager", "assignee"
DISPATCHER = "dispatcher"  # may hand an unrouted request to a team (dispatch.py)
WORKING = (Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_RESIDENT)


@dataclass(frozen=True)
class Transition:
    """From which statuses an action may be taken, and by whom; the status it leads to is set by
    transitions._changes (reopen's depends on the request)."""

    sources: tuple[Status, ...]
    actors: tuple[str, ...]  # who may: the requester, anyone working the area, a manager, the assignee


TRANSITIONS = {
    "claim": Transition((Status.NEW,), (WORKER,)),
    "assign": Transition((Status.NEW, *WORKING), (MANAGER, DISPATCHER)),
    "start": Transition((Status.ASSIGNED,), (ASSIGNEE, MANAGER)),
    "wait": Transition((Status.IN_PROGRESS,), (ASSIGNEE, MANAGER)),
    "resume": Transition((Status.WAITING_ON_RESIDENT,), (ASSIGNEE, MANAGER)),
    "resolve": Transition(WORKING, (ASSIGNEE, MANAGER)),
    "close": Transition((Status.RESOLVED,), (REQUESTER, WORKER)),
    "cancel": Transition(OPEN_STATUSES, (REQUESTER,)),
    "reopen": Transition((Status.RESOLVED, Status.CLOSED), (REQUESTER,)),
    "merge": Transition(OPEN_STATUSES, (WORKER,)),
}

STATUS_LABELS = {
    Status.NEW: _l("new"),
    Status.ASSIGNED: _l("assigned"),
    Status.IN_PROGRESS: _l("in progress"),
    Status.WAITING_ON_RESIDENT: _l("waiting on the resident"),
    Status.RESOLVED: _l("resolved"),
    Status.CLOSED: _l("closed"),
    Status.CANCELLED: _l("cancelled"),
    Status.MERGED: _l("merged"),
}
ACTION_LABELS = {
    "claim": _l("claim"),
    "assign": _l("assign"),
    "start": _l("start"),
    "wait": _l("wait on the resident"),
    "resume": _l("resume"),
    "resolve": _l("resolve"),
    "close": _l("close"),
    "cancel": _l("cancel"),
    "reopen": _l("reopen"),
    "merge": _l("merge"),
}


def works_on(scope: Scope, request: HelpRequest) -> bool:
    """Members serving the village, and the team a request was handed to (which may serve elsewhere)."""
    return scope.allows(Ability.WORK, request.unit) or (
        request.team_id is not None and request.team_id in {m.team.id for m in scope.memberships}
    )


def roles_of(scope: Scope, request: HelpRequest) -> set[str]:
    from .dispatch import may_dispatch

    roles = set()
    if request.requester_id == scope.user.id:
        roles.add(REQUESTER)
    if works_on(scope, request):
        roles.add(WORKER)
    if scope.allows(Ability.MANAGE, request.unit):
        roles.add(MANAGER)
    if may_dispatch(scope, request):
        roles.add(DISPATCHER)
    if request.assignee_id is not None and request.assignee_id == scope.user.id:
        roles.add(ASSIGNEE)
    return roles


def allowed_actions(scope: Scope, request: HelpRequest) -> list[str]:
    """What the caller may do with the request now (the app shows these buttons)."""
    roles = roles_of(scope, request)
    return [
        action for action, rule in TRANSITIONS.items() if request.status in rule.sources and roles & set(rule.actors)
    ]


@dataclass
class RequestView:
    """A request as one caller sees it now: the stored request (its columns read through), what the
    caller may do with it, whether it is overdue and, for a request no team serves, who follows it up;
    the detail adds history, comments and rating."""

    request: HelpRequest
    allowed_actions: list[str]
    overdue: bool
    follow_up: str | None = None
    history: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    rating: object | None = None

    def __getattr__(self, name):
        return getattr(self.request, name)


def present(scope: Scope, request: HelpRequest, follow_ups: dict | None = None) -> RequestView:
    """What depends on the caller and the clock: allowed actions, overdue, and for a request no team
    serves, who follows it up."""
    from .dispatch import follow_up, is_unrouted

    view = RequestView(request, allowed_actions(scope, request), request.is_overdue(utcnow()))
    if is_unrouted(request):
        # A page of a province's unrouted requests asks once per village, not once per request.
        known = {} if follow_ups is None else follow_ups
        if request.unit_id not in known:
            known[request.unit_id] = follow_up(request.unit).message(request.unit)
        view.follow_up = known[request.unit_id]
    return view
