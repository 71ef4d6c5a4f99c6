"""Builders for test data, going through the same services the API uses."""

from dataclasses import dataclass

from server.extensions import db
from server.roles.models import Role
from server.roles.services import grant_role_as_administrator
from server.signals import member_changed, units_changed
from server.teams.models import Team, TeamMember
from server.text import fold
from server.units.models import Unit
from server.units.paths import child_path
from server.units.services import _next_local_code, get_unit

COMMUNE_A = "00715"  # Xã Lũng Cú, Tuyên Quang (08)
PROVINCE_A = "08"
COMMUNE_B = "00004"  # Phường Ba Đình, Hà Nội (01)
PROVINCE_B = "01"


def make_unit(parent_code: str, name: str, level: str = "village", population: int | None = None) -> Unit:
    parent = get_unit(parent_code)
    code = _next_local_code(parent)
    unit = Unit(
        code=code,
        name=name,
        search_name=fold(name),
        level=level,
        parent_id=parent.id,
        path=child_path(parent.path, code),
        depth=parent.depth + 1,
        population=population,
    )
    db.session.add(unit)
    db.session.flush()
    units_changed.send(__name__, paths=[unit.path])
    return unit


def grant(phone: str, role: str, unit_code: str):
    return grant_role_as_administrator(phone, Role(role), unit_code)


def make_team(unit_code: str, name: str, members: tuple[str, ...] = ()) -> Team:
    team = Team(unit_id=get_unit(unit_code).id, name=name)
    db.session.add(team)
    db.session.flush()
    for phone in members:
        db.session.add(TeamMember(team_id=team.id, phone=phone))
        db.session.flush()
        member_changed.send(__name__, phone=phone, path=team.unit.path, added=True)
    return team


@dataclass
class World:
    """Two communes in two provinces, each with a village, a team, a leader, a member and a monitor."""

    village_a: Unit
    village_b: Unit
    team_a: Team
    team_b: Team


ADMIN = "+84900000001"
MONITOR_A = "+84900000002"  # province A
LEADER_A = "+84900000003"  # commune A
MEMBER_A = "+84900000004"  # team of village A
MONITOR_B = "+84900000012"
LEADER_B = "+84900000013"
MEMBER_B = "+84900000014"
RESIDENT = "+84900000099"

ACTORS = {
    "anonymous": None,
    "resident": RESIDENT,
    "member_a": MEMBER_A,
    "leader_a": LEADER_A,
    "monitor_a": MONITOR_A,
    "admin": ADMIN,
    "member_b": MEMBER_B,
    "leader_b": LEADER_B,
    "monitor_b": MONITOR_B,
}


def build_world() -> World:
    village_a = make_unit(COMMUNE_A, "Thôn Lô Lô Chải")
    village_b = make_unit(COMMUNE_B, "Tổ dân phố 5")
    team_a = make_team(village_a.code, "Tổ CNS Lô Lô Chải", (MEMBER_A,))
    team_b = make_team(village_b.code, "Tổ CNS TDP 5", (MEMBER_B,))
    grant(ADMIN, "admin", "VN")
    grant(MONITOR_A, "monitor", PROVINCE_A)
    grant(LEADER_A, "team_leader", COMMUNE_A)
    grant(MONITOR_B, "monitor", PROVINCE_B)
    grant(LEADER_B, "team_leader", COMMUNE_B)
    db.session.commit()
    return World(village_a, village_b, team_a, team_b)
