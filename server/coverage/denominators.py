"""Coverage's denominators, kept on write: for every unit, the population and households of its
area, its villages and its team members, so that reading a province's coverage reads one row
instead of its 2,000 villages and 6,000 members.

A unit without its own population uses the sum of its children's, but only when every child has
one: a partial sum would be a made-up number, so the rate is null instead.

The units, teams and roles services announce their changes (server/signals.py), which are rare:
a population or a new village recounts the unit and the units above it from their children; a
member joining or leaving adds or takes one from the areas above where the phone was not counted.
`rebuild_denominators()` recounts everything: after the official import, which may move whole
subtrees, and as a repair.

A unit without a row has nothing to count: no population known, no villages, no members."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, text

from ..dbutil import add_to_rows, in_values, upsert
from ..extensions import db
from ..roles.models import Role, RoleGrant
from ..signals import member_changed, units_changed
from ..teams.models import Team, TeamMember
from ..units.models import Unit
from ..units.paths import codes_of
from .models import CoverageDenominator

# Every recount takes this lock first (PostgreSQL; SQLite writes one at a time anyway), so two
# changes under one commune cannot each sum the other's stale figure.
LOCK_KEY = 0x746F736F  # "toso"


EMPTY = {"population": None, "households": None, "villages": 0, "members": 0}


@dataclass
class Area:
    population: int | None
    households: int | None
    villages: int


def connect_signals() -> None:
    units_changed.connect(_on_units_changed)
    member_changed.connect(_on_member_changed)


def _on_units_changed(_sender, paths: Iterable[str] | None = None) -> None:
    if paths is None:
        rebuild_denominators()
    else:
        recount_areas(paths)


def _on_member_changed(_sender, phone: str, path: str, added: bool) -> None:
    count_member_change(phone, path, added)


def denominators_of(codes: Iterable[str]) -> dict[str, CoverageDenominator]:
    """The stored row of each unit, or an empty one (not stored) for a unit with nothing to count."""
    codes = list(codes)
    stored = (
        {
            d.unit_code: d
            for d in db.session.scalars(
                select(CoverageDenominator).where(in_values(CoverageDenominator.unit_code, codes))
            )
        }
        if codes
        else {}
    )
    return {code: stored.get(code) or CoverageDenominator(unit_code=code, **EMPTY) for code in codes}


def recount_areas(paths: Iterable[str]) -> None:
    """Population, households and villages of these units and every unit above them, deepest first;
    their other children's stored figures are current."""
    _lock()
    units = _units_above(paths)
    children: dict[int, list] = {}
    for child in db.session.execute(
        select(
            Unit.parent_id,
            Unit.code,
            CoverageDenominator.population,
            CoverageDenominator.households,
            CoverageDenominator.villages,
        )
        .outerjoin(CoverageDenominator, CoverageDenominator.unit_code == Unit.code)
        .where(in_values(Unit.parent_id, [u.id for u in units]), Unit.abolished_at.is_(None))
    ):
        children.setdefault(child.parent_id, []).append(child)
    recounted: dict[str, Area] = {}
    for unit in units:
        kids = [
            recounted.get(c.code) or Area(c.population, c.households, c.villages or 0)
            for c in children.get(unit.id, [])
        ]
        recounted[unit.code] = area_of(unit, kids)
    db.session.execute(
        upsert(
            CoverageDenominator.__table__,
            ["unit_code"],
            lambda excluded: {c: excluded[c] for c in ("population", "households", "villages")},
        ),
        [{**EMPTY, "unit_code": code, **vars(area)} for code, area in recounted.items()],
    )


def count_member_change(phone: str, path: str, added: bool) -> None:
    """A member or team leader with this phone joined (or left) the unit at this path: each area
    above it gains (or loses) one member, unless the phone counts there through another team.
    A few small queries however large the country, where a recount of the nation would scan every
    member in it."""
    _lock()
    elsewhere = list(db.session.scalars(select(member_phones(phone=phone).c.path)))
    if added:
        elsewhere.remove(path)  # the membership just added
    rows = [
        {"unit_code": unit.code, "villages": 0, "members": 1 if added else -1}
        for unit in _units_above([path])
        if not any(other.startswith(unit.path) for other in elsewhere)
    ]
    add_to_rows(CoverageDenominator.__table__, rows, ("unit_code",), "members")


def rebuild_denominators() -> int:
    """Recount every unit's denominators from the whole tree; returns how many units have any."""
    _lock()
    units = db.session.execute(
        select(Unit.code, Unit.path, Unit.level, Unit.population, Unit.households)
        .where(Unit.abolished_at.is_(None))
        .order_by(Unit.depth.desc())
    ).all()
    children: dict[str, list[Area]] = {}
    rows = {}
    for unit in units:  # deepest first, so children are done before their parent
        area = area_of(unit, children.get(unit.code, []))
        codes = codes_of(unit.path)
        if len(codes) > 1:
            children.setdefault(codes[-2], []).append(area)
        rows[unit.code] = {"unit_code": unit.code, **vars(area), "members": 0}
    phones_by_unit: dict[str, set[str]] = {}
    for phone, path in db.session.execute(select(member_phones())).all():
        for code in codes_of(path):
            phones_by_unit.setdefault(code, set()).add(phone)
    for code, phones in phones_by_unit.items():
        if code in rows:
            rows[code]["members"] = len(phones)
    counted = [row for row in rows.values() if row != {**EMPTY, "unit_code": row["unit_code"]}]
    db.session.execute(delete(CoverageDenominator))
    if counted:
        db.session.execute(insert(CoverageDenominator), counted)
    return len(counted)


def area_of(unit, children: list[Area]) -> Area:
    return Area(
        _own_or_sum(unit.population, [c.population for c in children]),
        _own_or_sum(unit.households, [c.households for c in children]),
        (1 if unit.level == "village" else 0) + sum(c.villages for c in children),
    )


def _own_or_sum(own: int | None, children: list[int | None]) -> int | None:
    if own is not None:
        return own
    if children and all(value is not None for value in children):
        return sum(children)
    return None


def member_phones(phone: str | None = None, phones: list[str] | None = None):
    """(phone, unit path) of every team member and team leader (leaders record help too), or of some
    phones: who is a "member of an area" for active_members, numerator and denominator alike."""
    members = (
        select(TeamMember.phone.label("phone"), Unit.path.label("path"))
        .join(Team, TeamMember.team_id == Team.id)
        .join(Unit, Team.unit_id == Unit.id)
    )
    leaders = (
        select(RoleGrant.phone.label("phone"), Unit.path.label("path"))
        .join(Unit, RoleGrant.unit_id == Unit.id)
        .where(RoleGrant.role == Role.TEAM_LEADER)
    )
    if phone is not None:
        members = members.where(TeamMember.phone == phone)
        leaders = leaders.where(RoleGrant.phone == phone)
    if phones is not None:
        members = members.where(in_values(TeamMember.phone, phones))
        leaders = leaders.where(in_values(RoleGrant.phone, phones))
    return members.union_all(leaders).subquery()


def _units_above(paths: Iterable[str]) -> list:
    codes = {code for path in paths for code in codes_of(path)}
    return db.session.execute(
        select(Unit.id, Unit.code, Unit.path, Unit.level, Unit.population, Unit.households)
        .where(in_values(Unit.code, codes), Unit.abolished_at.is_(None))
        .order_by(Unit.depth.desc())
    ).all()


def _lock() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
