"""Requests no team serves (unrouted) and handing them to a team: dispatch.

A request goes to the nearest team above its village (routing.py). Where there is none it is
unrouted: the commune's leaders and the area's monitors and admins (Ability.DISPATCH) see it and
may assign it to any team in their area. This module is the one place that says so; the API and
the dashboard ask it."""

from bisect import bisect_left
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, select

from ..auth.models import User
from ..auth.scope import Ability, Scope
from ..extensions import db
from ..roles.models import Role, RoleGrant
from ..teams.models import Team
from ..units.models import Unit
from ..units.paths import any_subtree_condition, subtree_condition
from .models import OPEN_STATUSES, HelpRequest
from .routing import LOCAL_LEVELS, ancestor_paths

UNROUTED_LIMIT = 200


def is_unrouted(request: HelpRequest) -> bool:
    return request.team_id is None and request.status in OPEN_STATUSES


def unrouted_condition():
    return and_(HelpRequest.team_id.is_(None), HelpRequest.status.in_(OPEN_STATUSES))


def may_dispatch(scope: Scope, request: HelpRequest) -> bool:
    """The commune's leaders and the area's monitors and admins hand an unrouted request to a team."""
    return is_unrouted(request) and scope.allows(Ability.DISPATCH, request.unit)


def dispatch_teams(scope: Scope) -> list[Team]:
    """The teams a dispatcher may hand a request to: every team in their area."""
    paths = scope.paths(Ability.DISPATCH)
    if not paths:
        return []
    return list(
        db.session.scalars(
            select(Team)
            .join(Unit, Team.unit_id == Unit.id)
            .where(any_subtree_condition(Unit.path, paths))
            .order_by(Unit.path, Team.name)
        )
    )


def may_dispatch_to(scope: Scope, team: Team) -> bool:
    return scope.allows(Ability.DISPATCH, team.unit)


def unrouted_requests(unit: Unit, limit: int = UNROUTED_LIMIT) -> list[HelpRequest]:
    """Open requests in the unit's subtree that no team serves, oldest first (the caller checked the unit)."""
    return list(
        db.session.scalars(
            select(HelpRequest)
            .where(subtree_condition(HelpRequest.unit_path, unit.path), unrouted_condition())
            .order_by(HelpRequest.created_at, HelpRequest.id)
            .limit(limit)
        )
    )


def units_without_team(unit: Unit) -> list:
    """Communes with no team at all (neither their own nor a village's), and villages no team
    serves (neither their own nor their commune's), in the unit's subtree, in tree order: rows of
    code, name, level and path.

    Two indexed reads and set lookups: a correlated LIKE per unit would not scale to a country."""
    team_paths = set(
        db.session.scalars(
            select(Unit.path)
            .join(Team, Team.unit_id == Unit.id)
            .where(subtree_condition(Unit.path, unit.path) | Unit.path.in_(ancestor_paths(unit)))
        )
    )
    areas = db.session.execute(
        select(Unit.code, Unit.name, Unit.level, Unit.path)  # rows, not units: a province has thousands
        .where(
            subtree_condition(Unit.path, unit.path), Unit.level.in_(("commune", "village")), Unit.abolished_at.is_(None)
        )
        .order_by(Unit.path)
    ).all()
    ordered = sorted(team_paths)

    def has_team_within(path: str) -> bool:
        at = bisect_left(ordered, path)
        return at < len(ordered) and ordered[at].startswith(path)

    return [
        area
        for area in areas
        if (area.level == "commune" and not has_team_within(area.path))
        or (area.level == "village" and not team_paths & set(ancestor_paths(area)))
    ]


@dataclass(frozen=True)
class FollowUp:
    """Who looks after a request no team serves, for the requester."""

    leaders_of: list[str]
    monitors_of: list[str]

    def message(self, unit: Unit) -> str:
        who = [_("the team leaders of %(unit)s", unit=name) for name in self.leaders_of]
        who += [_("the monitors of %(unit)s", unit=name) for name in self.monitors_of]
        if not who:
            who = [_("ToSo's administrators")]
        return _(
            "No team serves %(unit)s yet. %(who)s will pass your request to a team.", unit=unit.name, who=_join(who)
        )


def _join(parts: list[str]) -> str:
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def dispatcher_grants(unit: Unit) -> list[tuple[User | None, str, Unit]]:
    """(user or None if not signed in yet, role, unit) of the people who dispatch the unit's requests:
    team leaders of its village or commune, and monitors of any unit above it (admins are not paged)."""
    rows = db.session.execute(
        select(User, RoleGrant.role, Unit)
        .select_from(RoleGrant)
        .join(Unit, RoleGrant.unit_id == Unit.id)
        .outerjoin(User, User.phone == RoleGrant.phone)
        .where(
            Unit.path.in_(ancestor_paths(unit)),
            ((RoleGrant.role == str(Role.TEAM_LEADER)) & Unit.level.in_(LOCAL_LEVELS))
            | (RoleGrant.role == str(Role.MONITOR)),
        )
        .order_by(Unit.depth.desc(), RoleGrant.id)
    ).all()
    return [(user, role, grant_unit) for user, role, grant_unit in rows]


def dispatchers(unit: Unit) -> list[User]:
    """Those of them who have signed in (only they have an inbox)."""
    seen, users = set(), []
    for user, _role, _unit in dispatcher_grants(unit):
        if user is not None and user.id not in seen:
            seen.add(user.id)
            users.append(user)
    return users


def follow_up(unit: Unit) -> FollowUp:
    leaders, monitors = [], []
    for _user, role, grant_unit in dispatcher_grants(unit):
        names = leaders if role == Role.TEAM_LEADER else monitors
        if grant_unit.name not in names:
            names.append(grant_unit.name)
    return FollowUp(leaders, monitors)
