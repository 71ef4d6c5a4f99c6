"""Demo data: two highland communes of Tuyên Quang with villages, teams, leaders and members."""

from sqlalchemy import select

from ..coverage.denominators import rebuild_denominators
from ..coverage.worker import update_all
from ..extensions import db
from ..roles.models import Role, RoleGrant
from ..teams.models import Team, TeamMember
from ..text import fold
from ..units.models import Unit
from ..units.paths import child_path
from ..units.services import get_unit
from .activities import seed_activities
from .coverage import seed_coverage
from .emulation import seed_emulation
from .people import DEMO_PEOPLE
from .requests import seed_requests

# Communes of the official tree (Tuyên Quang province, code 08) and villages we add under them.
DEMO_VILLAGES = {
    "00715": ("Thôn Lũng Cú", "Thôn Lô Lô Chải", "Thôn Thèn Pả", "Thôn Séo Lủng"),  # Xã Lũng Cú
    "00769": ("Tổ dân phố 1", "Thôn Pả Vi Hạ", "Thôn Tò Đú"),  # Xã Mèo Vạc
}
DEMO_POPULATION = {
    "Thôn Lũng Cú": 612,
    "Thôn Lô Lô Chải": 488,
    "Thôn Thèn Pả": 530,
    "Thôn Séo Lủng": 402,
    "Tổ dân phố 1": 1240,
    "Thôn Pả Vi Hạ": 705,
    "Thôn Tò Đú": 566,
}
DEMO_TEAMS = {
    ("00715", "Tổ công nghệ số xã Lũng Cú"): None,
    ("00715", "Tổ công nghệ số thôn Lô Lô Chải"): "Thôn Lô Lô Chải",
    ("00769", "Tổ công nghệ số xã Mèo Vạc"): None,
}


def seed_demo() -> str:
    villages = {}
    for commune_code, names in DEMO_VILLAGES.items():
        commune = get_unit(commune_code)
        for number, name in enumerate(names, start=1):
            villages[name] = _ensure_village(commune, number, name)
    teams = {}
    for (commune_code, name), village in DEMO_TEAMS.items():
        unit = villages[village] if village else get_unit(commune_code)
        teams[name] = _ensure(Team, unit_id=unit.id, name=name)
    for person in DEMO_PEOPLE:
        if person.role in {r.value for r in Role}:
            _ensure(RoleGrant, phone=person.phone, role=person.role, unit_id=get_unit(person.unit).id)
        elif person.team:
            member = _ensure(TeamMember, team_id=teams[person.team].id, phone=person.phone)
            member.display_name = person.name
    db.session.flush()
    seed_requests()
    report = f"Demo: {len(villages)} villages, {len(teams)} teams, {len(DEMO_PEOPLE)} people."
    report += "\n" + seed_activities()
    report += "\n" + seed_coverage(set(DEMO_VILLAGES))
    report += "\n" + seed_emulation()
    rebuild_denominators()  # the demo writes its villages, teams and populations directly, not through the services
    update_all()  # the demo's coverage is current at once, as the worker would make it
    return report


def _ensure_village(commune: Unit, number: int, name: str) -> Unit:
    code = f"{commune.code}.{number}"
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(
            code=code,
            name=name,
            search_name=fold(name),
            level="village",
            kind=name.split(" ")[0].lower() if name.startswith("Thôn") else "tổ dân phố",
            parent_id=commune.id,
            path=child_path(commune.path, code),
            depth=commune.depth + 1,
            population=DEMO_POPULATION.get(name),
        )
        db.session.add(unit)
        db.session.flush()
    return unit


def _ensure(model, **key):
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        db.session.add(row)
        db.session.flush()
    return row
