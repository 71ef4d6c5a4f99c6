"""Teams and their members."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..auth.scope import Ability, Scope
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..pagination import Page, paginate
from ..signals import member_changed
from ..units.models import Unit
from ..units.paths import SEPARATOR, subtree_condition
from ..units.services import get_unit
from .models import Team, TeamMember

TEAM_LEVELS = ("commune", "village")


def _visible(scope: Scope):
    own_teams = [m.team.id for m in scope.memberships]
    return or_(scope.condition(Ability.VIEW, Unit.path), scope.condition(Ability.WORK, Unit.path),
               Team.id.in_(own_teams))


def list_teams(scope: Scope, unit_code: str | None, cursor: str | None, limit: int | None) -> Page:
    stmt = select(Team).join(Unit).where(_visible(scope))
    if unit_code:
        stmt = stmt.where(Team.unit_id == get_unit(unit_code).id)
    return paginate(stmt, (Team.id,), cursor, limit)


def get_team(scope: Scope, team_id: int) -> Team:
    team = db.session.scalar(select(Team).join(Unit).where(Team.id == team_id, _visible(scope)))
    if team is None:
        raise NotFound(_("Not found, or outside your area."))
    return team


def create_team(scope: Scope, unit_code: str, name: str) -> Team:
    unit = get_unit(unit_code)
    scope.require(Ability.MANAGE, unit)
    if unit.level not in TEAM_LEVELS:
        raise InvalidInput(_("A team belongs to a commune or a village."),
                           {"unit": [_("Choose a commune or a village.")]})
    name = name.strip()
    if db.session.scalar(select(Team.id).where(Team.unit_id == unit.id, Team.name == name)):
        raise Conflict(_("%(unit)s already has a team with this name.", unit=unit.name))
    team = Team(unit_id=unit.id, name=name)
    team.unit = unit
    db.session.add(team)
    db.session.flush()
    return team


def add_member(scope: Scope, team_id: int, phone: str, display_name: str | None) -> TeamMember:
    team = get_team(scope, team_id)
    scope.require(Ability.MANAGE, team.unit)
    if db.session.scalar(select(TeamMember.id).where(TeamMember.team_id == team.id, TeamMember.phone == phone)):
        raise Conflict(_("%(phone)s is already a member of this team.", phone=phone))
    member = TeamMember(team_id=team.id, phone=phone, display_name=display_name, added_by_id=scope.user.id)
    db.session.add(member)
    db.session.flush()
    member_changed.send(__name__, phone=phone, path=team.unit.path, added=True)
    return member


def remove_member(scope: Scope, team_id: int, member_id: int) -> None:
    team = get_team(scope, team_id)
    scope.require(Ability.MANAGE, team.unit)
    member = db.session.scalar(select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.id == member_id))
    if member is None:
        raise NotFound(_("This person is not a member of the team."))
    db.session.delete(member)
    db.session.flush()
    member_changed.send(__name__, phone=member.phone, path=team.unit.path, added=False)


def list_members(scope: Scope, team_id: int) -> list[TeamMember]:
    return list(get_team(scope, team_id).members)


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
    from ..auth.models import User
    from ..coverage.models import LastActivity
    from ..roles.models import Role, RoleGrant

    teams = list(db.session.scalars(
        select(Team).join(Unit).where(subtree_condition(Unit.path, unit.path), _visible(scope))
        .options(selectinload(Team.members)).order_by(Unit.path, Team.name, Team.id)))
    phones = {m.phone for team in teams for m in team.members}
    users = {u.phone: u for u in db.session.scalars(select(User).where(User.phone.in_(phones)))} if phones else {}
    subjects = [f"member:{u.id}" for u in users.values()]
    last = dict(db.session.execute(select(LastActivity.subject, LastActivity.occurred_at)
                                   .where(LastActivity.subject.in_(subjects))).all()) if subjects else {}
    codes = {code for team in teams for code in team.unit.path.strip(SEPARATOR).split(SEPARATOR)}
    grants = db.session.execute(select(RoleGrant.phone, Unit.code).join(Unit, RoleGrant.unit_id == Unit.id).where(
        RoleGrant.role == Role.TEAM_LEADER, Unit.code.in_(codes))).all() if codes else []
    leader_users = {u.phone: u for u in db.session.scalars(
        select(User).where(User.phone.in_({phone for phone, _unit in grants})))} if grants else {}
    overviews = []
    for team in teams:
        chain = set(team.unit.path.strip(SEPARATOR).split(SEPARATOR))
        members = []
        for member in team.members:
            user = users.get(member.phone)
            members.append(MemberActivity(member, member.display_name or (user.display_name if user else None),
                                          last.get(f"member:{user.id}") if user else None))
        leaders = sorted({(leader_users[phone].display_name if phone in leader_users and
                           leader_users[phone].display_name else phone)
                          for phone, code in grants if code in chain})
        overviews.append(TeamOverview(team, members, leaders,
                                      max((m.last_active for m in members if m.last_active), default=None),
                                      scope.allows(Ability.MANAGE, team.unit)))
    return overviews
