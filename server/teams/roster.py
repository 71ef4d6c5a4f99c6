"""A unit's teams as its leaders and monitors look at them: members, leaders over each team, and
when each member was last active (the dashboard's teams page)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..auth.scope import Ability, Scope
from ..coverage.models import LastActivity
from ..extensions import db
from ..roles.models import Role, RoleGrant
from ..units.models import Unit
from ..units.paths import SEPARATOR, subtree_condition
from .models import Team, TeamMember
from .services import _visible as readable_teams  # the one rule of who reads which team


@dataclass
class MemberActivity:
    member: TeamMember
    name: str | None  # the name the leader gave, else the one the person set on their profile
    last_active: datetime | None


@dataclass
class TeamOverview:
    team: Team
    members: list[MemberActivity]
    leaders: list[str]  # names or phone numbers of the team leaders over the team's unit
    last_active: datetime | None
    can_manage: bool


def teams_in_area(scope: Scope, unit: Unit) -> list[TeamOverview]:
    """The teams of a unit's subtree that the caller may read, with each member's last activity and
    the leaders over each team: four queries, whatever the number of teams."""
    teams = list(
        db.session.scalars(
            select(Team)
            .join(Unit)
            .where(subtree_condition(Unit.path, unit.path), readable_teams(scope))
            .options(selectinload(Team.members))
            .order_by(Unit.path, Team.name, Team.id)
        )
    )
    phones = {m.phone for team in teams for m in team.members}
    users = {u.phone: u for u in db.session.scalars(select(User).where(User.phone.in_(phones)))} if phones else {}
    subjects = [f"member:{u.id}" for u in users.values()]
    last = (
        dict(
            db.session.execute(
                select(LastActivity.subject, LastActivity.occurred_at).where(LastActivity.subject.in_(subjects))
            ).all()
        )
        if subjects
        else {}
    )
    codes = {code for team in teams for code in team.unit.path.strip(SEPARATOR).split(SEPARATOR)}
    grants = (
        db.session.execute(
            select(RoleGrant.phone, Unit.code)
            .join(Unit, RoleGrant.unit_id == Unit.id)
            .where(RoleGrant.role == Role.TEAM_LEADER, Unit.code.in_(codes))
        ).all()
        if codes
        else []
    )
    leader_users = (
        {u.phone: u for u in db.session.scalars(select(User).where(User.phone.in_({phone for phone, _unit in grants})))}
        if grants
        else {}
    )
    overviews = []
    for team in teams:
        chain = set(team.unit.path.strip(SEPARATOR).split(SEPARATOR))
        members = []
        for member in team.members:
            user = users.get(member.phone)
            members.append(
                MemberActivity(
                    member,
                    member.display_name or (user.display_name if user else None),
                    last.get(f"member:{user.id}") if user else None,
                )
            )
        leaders = sorted(
            {
                (
                    leader_users[phone].display_name
                    if phone in leader_users and leader_users[phone].display_name
                    else phone
                )
                for phone, code in grants
                if code in chain
            }
        )
        overviews.append(
            TeamOverview(
                team,
                members,
                leaders,
                max((m.last_active for m in members if m.last_active), default=None),
                scope.allows(Ability.MANAGE, team.unit),
            )
        )
    return overviews
