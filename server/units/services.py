"""Reading and changing the unit tree."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from .. import change_feed
from ..auth.scope import Ability, Scope
from ..dbutil import attach, detached_copy
from ..errors import InvalidInput, NotFound, shown
from ..extensions import db
from ..pagination import Page, paginate
from ..signals import units_changed
from ..text import fold
from .models import LEVELS, Unit
from .paths import child_path, codes_of, subtree_condition

SEARCH_LIMIT = 20
# Levels a leader may add under a unit of the given level (official levels come from imports).
CHILD_LEVELS = {
    "nation": ("province",),
    "province": ("district", "commune"),
    "district": ("commune",),
    "commune": ("village",),
    "village": ("group",),
    "group": (),
}


def get_unit(code: str) -> Unit:
    """Units are reference data: a worker keeps each one it read until `units` changes (server/change_feed.py)."""
    kept = change_feed.remembered("units", code, lambda: _read_unit(code), size=UNITS_KEPT)
    if kept is None:
        raise NotFound(_("No administrative unit has the code %(code)s.", code=shown(code)))
    return attach(kept)


UNITS_KEPT = 8_192  # a province's communes and villages, a few hundred bytes each


def _read_unit(code: str) -> Unit | None:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    return None if unit is None else detached_copy(unit)


@dataclass
class UnitDetail:
    """A unit (its columns read through) with its ancestors, root first."""

    unit: Unit
    ancestors: list[Unit]

    def __getattr__(self, name):
        return getattr(self.unit, name)


def unit_detail(code: str) -> UnitDetail:
    unit = get_unit(code)
    return UnitDetail(unit, ancestors_of(unit))


def ancestors_of(unit: Unit) -> list[Unit]:
    codes = codes_of(unit.path)[:-1]
    if not codes:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.code.in_(codes)).order_by(Unit.depth)))


def list_children(parent_code: str, cursor: str | None, limit: int | None) -> Page:
    parent = get_unit(parent_code)
    stmt = select(Unit).where(Unit.parent_id == parent.id)
    return paginate(stmt, (Unit.search_name, Unit.id), cursor, limit)


def search_units(query: str, within: str | None = None, limit: int = SEARCH_LIMIT) -> list[Unit]:
    """Diacritic- and case-insensitive; names that start with the query come first."""
    folded = fold(query)
    if not folded:
        return []
    stmt = select(Unit).where(Unit.search_name.contains(folded, autoescape=True))
    if within:
        stmt = stmt.where(subtree_condition(Unit.path, get_unit(within).path))
    starts = case((Unit.search_name.startswith(folded, autoescape=True), 0), else_=1)
    stmt = stmt.order_by(starts, Unit.depth, func.length(Unit.search_name), Unit.id).limit(limit)
    return list(db.session.scalars(stmt))


def create_unit(
    scope: Scope,
    parent_code: str,
    name: str,
    level: str | None = None,
    kind: str | None = None,
    population: int | None = None,
    households: int | None = None,
) -> Unit:
    parent = get_unit(parent_code)
    scope.require(Ability.MANAGE, parent)
    allowed = CHILD_LEVELS[parent.level]
    level = level or (allowed[0] if allowed else None)
    if level not in allowed:
        raise InvalidInput(
            _(
                "A unit of level %(parent)s can only contain: %(allowed)s.",
                parent=parent.level,
                allowed=", ".join(allowed) or "-",
            ),
            {"level": [_("Not allowed under this parent.")]},
        )
    _refuse_duplicate_name(parent, name)
    code = _next_local_code(parent)
    unit = Unit(
        code=code,
        name=name.strip(),
        search_name=fold(name),
        level=level,
        kind=kind,
        parent_id=parent.id,
        path=child_path(parent.path, code),
        depth=parent.depth + 1,
        official=False,
        population=population,
        households=households,
    )
    db.session.add(unit)
    db.session.flush()
    units_changed.send(__name__, paths=[unit.path])
    return unit


def update_unit(scope: Scope, code: str, changes: dict) -> Unit:
    unit = get_unit(code)
    scope.require(Ability.MANAGE, unit)
    if "name" in changes and changes["name"] != unit.name:
        if unit.official:
            raise InvalidInput(
                _("Official units are renamed by the official import only."),
                {"name": [_("Official names cannot be changed here.")]},
            )
        _refuse_duplicate_name(unit.parent, changes["name"], exclude=unit)
        unit.name = changes["name"].strip()
        unit.search_name = fold(unit.name)
    counted = (unit.population, unit.households)
    for field in ("population", "households"):
        if field in changes:
            setattr(unit, field, changes[field])
    db.session.flush()
    if (unit.population, unit.households) != counted:
        units_changed.send(__name__, paths=[unit.path])
    return unit


def _refuse_duplicate_name(parent: Unit, name: str, exclude: Unit | None = None) -> None:
    stmt = select(Unit.id).where(Unit.parent_id == parent.id, Unit.search_name == fold(name))
    if exclude is not None:
        stmt = stmt.where(Unit.id != exclude.id)
    if db.session.scalar(stmt) is not None:
        raise InvalidInput(
            _("%(parent)s already has a unit with this name.", parent=parent.name),
            {"name": [_("Already used under this parent.")]},
        )


def _next_local_code(parent: Unit) -> str:
    """Local units are coded after their parent: 00004.1, 00004.2, …; codes are never reused."""
    prefix = f"{parent.code}."
    existing = db.session.scalars(select(Unit.code).where(Unit.parent_id == parent.id, Unit.code.startswith(prefix)))
    numbers = [int(c[len(prefix) :]) for c in existing if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


assert set(CHILD_LEVELS) == set(LEVELS)
