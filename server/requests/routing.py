"""Which team a request goes to, and who hears about it."""

from sqlalchemy import select

from ..auth.models import User
from ..auth.scope import Scope
from ..extensions import db
from ..roles.models import Role, RoleGrant
from ..teams.models import Team, TeamMember
from ..units.models import Unit
from ..units.paths import is_within, lineage

# Levels whose leaders and monitors look after a village's requests (not the whole province).
LOCAL_LEVELS = ("commune", "village", "group")


def ancestor_paths(unit: Unit) -> list[str]:
    """The unit's own path and those of its ancestors, root first."""
    return [path for _code, path in lineage(unit.path)]


def route(unit: Unit) -> Team | None:
    """The team of the request's village, or failing that the nearest team above it (the commune's)."""
    return db.session.scalar(
        select(Team)
        .join(Unit, Team.unit_id == Unit.id)
        .where(Unit.path.in_(ancestor_paths(unit)), Unit.level.in_(LOCAL_LEVELS))
        .order_by(Unit.depth.desc(), Team.id)
        .limit(1)
    )


def team_users(team_id: int) -> list[User]:
    """Members of a team who have signed in (only they have an inbox and phones)."""
    return list(
        db.session.scalars(
            select(User)
            .join(TeamMember, TeamMember.phone == User.phone)
            .where(TeamMember.team_id == team_id)
            .order_by(User.id)
        )
    )


def local_users(unit: Unit, roles: tuple[Role, ...]) -> list[User]:
    """Holders of `roles` granted on the unit, its village or its commune."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.phone == User.phone)
            .join(Unit, RoleGrant.unit_id == Unit.id)
            .where(
                Unit.path.in_(ancestor_paths(unit)),
                Unit.level.in_(LOCAL_LEVELS),
                RoleGrant.role.in_([str(role) for role in roles]),
            )
            .distinct()
            .order_by(User.id)
        )
    )


def covering_team(scope: Scope, unit: Unit) -> Team | None:
    """The person's own team that serves the unit, the most local one first."""
    teams = [m.team for m in scope.memberships if is_within(unit.path, [m.team.unit.path])]
    return max(teams, key=lambda team: team.unit.depth, default=None)
