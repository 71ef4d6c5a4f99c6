"""The caller's scope: which units' subtrees they may see or change, and with which ability.

Every query that returns data is narrowed with `Scope.condition`; nothing else decides."""

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
    VIEW = "view"  # read the area's data (monitors, leaders, admins)
    WORK = "work"  # do a team member's work in the area (members, leaders, admins)
    MANAGE = "manage"  # change units, teams and members
    GRANT = "grant"  # grant roles


ROLE_ABILITIES = {
    Role.ADMIN: frozenset(Ability),
    Role.TEAM_LEADER: frozenset(Ability),
    Role.MONITOR: frozenset({Ability.VIEW}),
}
MEMBER_ABILITIES = frozenset({Ability.WORK})


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
