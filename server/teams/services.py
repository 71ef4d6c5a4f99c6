"""Teams and their members."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..auth.scope import Ability, Scope
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..pagination import Page, paginate
from ..signals import member_changed
from ..units.models import Unit
from ..units.services import get_unit
from .models import Team, TeamMember

TEAM_LEVELS = ("commune", "village")


def _visible(scope: Scope):
    """Teams of the area the caller reads; a member reads their own team's unit (WORK ⊂ READ)."""
    return scope.read_condition(Unit.path)


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
        raise InvalidInput(
            _("A team belongs to a commune or a village."), {"unit": [_("Choose a commune or a village.")]}
        )
    name = name.strip()
    if db.session.scalar(select(Team.id).where(Team.unit_id == unit.id, Team.name == name)):
        raise Conflict(_("%(unit)s already has a team with this name.", unit=unit.name))
    team = Team(unit_id=unit.id, name=name)
    team.unit = unit
    db.session.add(team)
    db.session.flush()
    return team


def set_public_phone(scope: Scope, team_id: int, phone: str | None) -> Team:
    """The number villagers may call; None takes it off posters and the app."""
    team = get_team(scope, team_id)
    scope.require(Ability.MANAGE, team.unit)
    team.public_phone = phone
    db.session.flush()
    return team


@dataclass
class MemberView:
    """A team member as their team sees them: the name they chose themselves (PATCH /me), else the
    leader's; and their skills, where the caller adds them (the stored member's columns read through)."""

    member: TeamMember
    name: str | None
    skills: list[str] = field(default_factory=list)

    def __getattr__(self, attribute):
        return getattr(self.member, attribute)


def add_member(scope: Scope, team_id: int, phone: str, display_name: str | None) -> MemberView:
    team = get_team(scope, team_id)
    scope.require(Ability.MANAGE, team.unit)
    if db.session.scalar(select(TeamMember.id).where(TeamMember.team_id == team.id, TeamMember.phone == phone)):
        raise Conflict(_("%(phone)s is already a member of this team.", phone=phone))
    member = TeamMember(team_id=team.id, phone=phone, display_name=display_name, added_by_id=scope.user.id)
    db.session.add(member)
    db.session.flush()
    member_changed.send(__name__, phone=phone, path=team.unit.path, added=True)
    return with_names([member])[0]


def remove_member(scope: Scope, team_id: int, member_id: int) -> None:
    team = get_team(scope, team_id)
    scope.require(Ability.MANAGE, team.unit)
    member = db.session.scalar(select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.id == member_id))
    if member is None:
        raise NotFound(_("This person is not a member of the team."))
    db.session.delete(member)
    db.session.flush()
    member_changed.send(__name__, phone=member.phone, path=team.unit.path, added=False)


def list_members(scope: Scope, team_id: int, cursor: str | None, limit: int | None) -> Page:
    team = get_team(scope, team_id)
    page = paginate(select(TeamMember).where(TeamMember.team_id == team.id), (TeamMember.id,), cursor, limit)
    page.items = with_names(page.items)
    return page


def with_names(members: list[TeamMember]) -> list[MemberView]:
    """Each member with their `name`: the one they chose themselves (PATCH /me), else the leader's."""
    chosen = (
        dict(
            db.session.execute(
                select(User.phone, User.display_name).where(
                    User.phone.in_([m.phone for m in members]), User.display_name.is_not(None)
                )
            ).all()
        )
        if members
        else {}
    )
    return [MemberView(member, chosen.get(member.phone) or member.display_name) for member in members]
