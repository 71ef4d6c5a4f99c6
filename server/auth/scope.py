"""The caller's scope: which units' subtrees they may read or change, and with which ability.

This module is the only place that decides who may do what. Services never look at role names:
- a list narrows its query with `scope.read_condition(Model.unit_path)` (or `condition(ability, …)`);
- one object is checked with `scope.readable(unit)` (404 when not: existence does not leak),
  then `scope.require(ability, unit)` for a change (403);
- a route declares with `@access(Ability.X)` the ability its service requires somewhere, so
  callers without it anywhere get 403 before the service runs. tests/test_access_matrix.py
  proves, endpoint by endpoint, that the declaration and the service agree.
A new ability is a new `Ability` member given to roles in ROLE_ABILITIES, nothing else."""

from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..roles.models import Role, RoleGrant
from ..teams.models import Team, TeamMember
from ..units.models import Unit
from ..units.paths import any_subtree_condition, is_within
from .models import User


class Ability(StrEnum):
    VIEW = "view"  # follow the area from above (monitors, leaders, admins)
    WORK = "work"  # do a team member's work in the area (members, leaders, admins)
    READ = "read"  # read the area's data: whoever views or works there (VIEW ∪ WORK)
    MANAGE = "manage"  # change units, teams and members
    GRANT = "grant"  # grant roles
    SET_TARGETS = "set_targets"  # set coverage targets (monitors and admins, not leaders)
    READ_AUDIT_LOG = "read_audit_log"  # read who accessed personal data (admins)
    # Hand a request no team serves (unrouted) to a team of the area: the commune's leaders, and
    # the area's monitors and admins. Monitors can do nothing else; the rule is in requests/dispatch.py.
    DISPATCH = "dispatch"


ROLE_ABILITIES = {
    Role.ADMIN: frozenset(Ability),
    Role.TEAM_LEADER: frozenset(
        {Ability.VIEW, Ability.WORK, Ability.READ, Ability.MANAGE, Ability.GRANT, Ability.DISPATCH}
    ),
    Role.MONITOR: frozenset({Ability.VIEW, Ability.READ, Ability.SET_TARGETS, Ability.DISPATCH}),
}
MEMBER_ABILITIES = frozenset({Ability.WORK, Ability.READ})
# READ is exactly "VIEW or WORK": checked at import so the two can never drift apart.
assert all(
    (Ability.READ in abilities) == bool({Ability.VIEW, Ability.WORK} & abilities)
    for abilities in (*ROLE_ABILITIES.values(), MEMBER_ABILITIES)
)


@dataclass(frozen=True)
class Grant:
    id: int
    role: Role
    unit: Unit


@dataclass(frozen=True)
class Membership:
    team: Team


@dataclass(frozen=True)
class Scope:
    user: User
    grants: tuple[Grant, ...] = ()
    memberships: tuple[Membership, ...] = field(default=())

    def paths(self, ability: Ability) -> list[str]:
        paths = [g.unit.path for g in self.grants if ability in ROLE_ABILITIES[g.role]]
        if ability in MEMBER_ABILITIES:
            paths += [m.team.unit.path for m in self.memberships]
        return paths

    def has(self, ability: Ability) -> bool:
        return bool(self.paths(ability))

    def allows(self, ability: Ability, unit: Unit) -> bool:
        return is_within(unit.path, self.paths(ability))

    def condition(self, ability: Ability, path_column):
        """SQL condition: rows whose unit path lies in a subtree this ability reaches."""
        return any_subtree_condition(path_column, self.paths(ability))

    def readable(self, unit: Unit) -> bool:
        """May the caller read this unit's data (they view or work there)?"""
        return self.allows(Ability.READ, unit)

    def read_condition(self, path_column):
        """SQL condition: rows in the subtrees whose data the caller may read."""
        return self.condition(Ability.READ, path_column)

    def require_readable(self, unit: Unit) -> None:
        """404 outside the readable area: not even the object's existence is the caller's to learn."""
        self.require_visible(self.readable(unit))

    def require(self, ability: Ability, unit: Unit) -> None:
        if not self.allows(ability, unit):
            raise Forbidden(_("You have no right to do this in %(unit)s.", unit=unit.name))

    def require_visible(self, visible: bool) -> None:
        """Objects outside the caller's scope are answered as if they did not exist."""
        if not visible:
            raise NotFound(_("Not found, or outside your area."))

    def highest_rank_over(self, unit: Unit) -> int:
        return max((g.role.rank for g in self.grants if unit.path.startswith(g.unit.path)), default=0)


def load_scope(user: User) -> Scope:
    if not user.phone:
        return Scope(user=user)
    grants = db.session.execute(
        select(RoleGrant.id, RoleGrant.role, Unit).join(Unit).where(RoleGrant.phone == user.phone)
    ).all()
    teams = db.session.scalars(
        select(Team).join(TeamMember).where(TeamMember.phone == user.phone).order_by(Team.id)
    ).all()
    return Scope(
        user=user,
        grants=tuple(Grant(id, Role(role), unit) for id, role, unit in grants),
        memberships=tuple(Membership(team) for team in teams),
    )
