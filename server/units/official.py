"""Importing the official two-tier units (34 provinces, 3,321 communes) from `vietnam-provinces`.

Idempotent: re-running changes nothing. A newer package that renames or re-parents a unit
updates it in place (its id, and so every reference, survives); a unit the package no longer
lists is marked abolished, never deleted."""

from dataclasses import dataclass

from sqlalchemy import String, func, insert, literal, select, update

from ..extensions import db
from ..signals import units_changed
from ..text import fold
from ..types import utcnow
from .models import ROOT_CODE, Unit
from .paths import child_path, root_path, subtree_condition

ROOT_NAME = "Việt Nam"


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    abolished: int = 0
    unchanged: int = 0


def official_units() -> list[OfficialUnit]:
    """Provinces before communes, so parents always come first."""
    from vietnam_provinces import Province, Ward

    provinces = [
        OfficialUnit(f"{int(p.code):02d}", p.name, "province", str(p.division_type), ROOT_CODE)
        for p in Province.iter_all()
    ]
    communes = [
        OfficialUnit(f"{int(w.code):05d}", w.name, "commune", str(w.division_type), f"{int(w.province_code):02d}")
        for w in Ward.iter_all()
    ]
    return provinces + communes


def import_official_units(source: list[OfficialUnit] | None = None) -> ImportReport:
    source = official_units() if source is None else source
    report = ImportReport()
    root = _ensure_root(report)
    existing = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.official.is_(True)))}
    existing[root.code] = root
    new_rows = []
    for level in ("province", "commune"):
        for item in (i for i in source if i.level == level):
            parent = existing[item.parent_code]
            unit = existing.get(item.code)
            if unit is None:
                new_rows.append(_row(item, parent))
                continue
            if _apply_changes(unit, item, parent):
                report.updated += 1
            else:
                report.unchanged += 1
        if new_rows:
            db.session.execute(insert(Unit), new_rows)
            report.created += len(new_rows)
            new_rows = []
            existing.update(
                {
                    u.code: u
                    for u in db.session.scalars(select(Unit).where(Unit.official.is_(True), Unit.level == level))
                }
            )
    listed = {i.code for i in source} | {ROOT_CODE}
    for unit in existing.values():
        if unit.code not in listed and unit.abolished_at is None:
            unit.abolished_at = utcnow()
            report.abolished += 1
    db.session.flush()
    if report.created or report.updated or report.abolished:
        units_changed.send(__name__, paths=None)  # subtrees may have moved: everything is recounted
    return report


def _ensure_root(report: ImportReport) -> Unit:
    root = db.session.scalar(select(Unit).where(Unit.code == ROOT_CODE))
    if root is None:
        root = Unit(
            code=ROOT_CODE,
            name=ROOT_NAME,
            search_name=fold(ROOT_NAME),
            level="nation",
            path=root_path(ROOT_CODE),
            depth=0,
            official=True,
        )
        db.session.add(root)
        db.session.flush()
        report.created += 1
    return root


def _row(item: OfficialUnit, parent: Unit) -> dict:
    now = utcnow()
    return {
        "code": item.code,
        "name": item.name,
        "search_name": fold(item.name),
        "level": item.level,
        "kind": item.kind,
        "parent_id": parent.id,
        "path": child_path(parent.path, item.code),
        "depth": parent.depth + 1,
        "official": True,
        "created_at": now,
        "updated_at": now,
    }


def _apply_changes(unit: Unit, item: OfficialUnit, parent: Unit) -> bool:
    changed = False
    if (unit.name, unit.kind) != (item.name, item.kind):
        unit.name, unit.search_name, unit.kind = item.name, fold(item.name), item.kind
        changed = True
    if unit.parent_id != parent.id:
        _move_subtree(unit, parent)
        changed = True
    if unit.abolished_at is not None:
        unit.abolished_at = None
        changed = True
    return changed


def _move_subtree(unit: Unit, new_parent: Unit) -> None:
    """Re-parenting rewrites the paths of the unit and everything under it in one statement."""
    old_path, new_path = unit.path, child_path(new_parent.path, unit.code)
    depth_change = new_parent.depth + 1 - unit.depth
    db.session.flush()
    db.session.execute(
        update(Unit)
        .where(subtree_condition(Unit.path, old_path))
        .values(
            path=literal(new_path, String).concat(func.substr(Unit.path, len(old_path) + 1)),
            depth=Unit.depth + depth_change,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    unit.parent_id = new_parent.id
