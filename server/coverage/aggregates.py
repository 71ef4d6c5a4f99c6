"""Keeping the coverage counters exact on every write, so reading coverage never scans records.

A record's contribution: for each indicator it matches and each period it falls in, either a
subject mark (a resident, village or member, reference-counted so it counts once) or a plain
amount (records, group-session people, blockers). Counters change only when a mark appears or
disappears, or by the plain amounts, for the record's unit and every unit above it."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select, tuple_

from ..dbutil import upsert
from ..extensions import db
from ..units.models import Unit
from ..units.paths import SEPARATOR
from .indicators import INDICATORS, MEMBERS, PEOPLE, RECORDS, RESIDENTS, VILLAGES, blocker_counter
from .models import CoverageCounter, CoverageMark, LastActivity
from .periods import period_keys


@dataclass(frozen=True)
class Place:
    """Where a record counts: the resident's home village, the record's village, and its unit path."""

    resident: str | None
    resident_path: str | None
    village: str | None
    village_path: str | None


def codes_of(path: str) -> list[str]:
    return path.strip(SEPARATOR).split(SEPARATOR)


def path_prefixes(path: str) -> list[tuple[str, str]]:
    """(code, path) of the unit and each unit above it."""
    codes = codes_of(path)
    return [(codes[i], SEPARATOR + SEPARATOR.join(codes[: i + 1]) + SEPARATOR) for i in range(len(codes))]


def record_activities(rows: list[dict]) -> None:
    """Add the contribution of newly stored records (dicts with the activities table's columns)."""
    _apply(rows, +1)


def withdraw_activities(rows: list[dict]) -> None:
    """Take back the contribution of records that a correction has superseded."""
    _apply(rows, -1)


def _apply(rows: list[dict], sign: int) -> None:
    if not rows:
        return
    places = _places(rows)
    marks: dict[tuple[str, str, str], list] = {}
    amounts: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:
        place = places[row["id"]]
        periods = period_keys(row["occurred_at"])
        for indicator in INDICATORS:
            if not indicator.matches(row):
                continue
            for period in periods:
                _contribute(indicator, period, row, place, sign, marks, amounts)
        blocker = blocker_counter(row)
        if blocker:
            for period in periods:
                for code, _path in path_prefixes(row["unit_path"]):
                    amounts[(code, period, blocker)] += sign
    for key, amount in _change_marks(marks).items():
        amounts[key] += amount
    _change_counters(amounts)
    if sign > 0:
        _touch_last_activity(rows, places)


def _contribute(indicator, period, row, place, sign, marks, amounts) -> None:
    def mark(subject, path):
        entry = marks.setdefault((indicator.code, period, subject), [path, 0])
        entry[1] += sign

    if indicator.counts in (RESIDENTS, PEOPLE) and place.resident:
        mark(f"r:{place.resident}", place.resident_path)
    elif indicator.counts == PEOPLE and row["people"]:
        for code, _path in path_prefixes(row["unit_path"]):
            amounts[(code, period, indicator.code)] += sign * row["people"]
    elif indicator.counts == RECORDS:
        for code, _path in path_prefixes(row["unit_path"]):
            amounts[(code, period, indicator.code)] += sign
    elif indicator.counts == VILLAGES and place.village:
        mark(f"u:{place.village}", place.village_path)
    elif indicator.counts == MEMBERS:
        # A member may work in several places: counted once in each unit above where they worked.
        for code, path in path_prefixes(row["unit_path"]):
            mark(f"m:{row['member_id']}@{code}", path)


def _change_marks(marks: dict) -> dict:
    """Apply reference changes; return counter changes for marks that appeared or disappeared."""
    changes = {key: value for key, value in marks.items() if value[1] != 0}
    if not changes:
        return {}
    table = CoverageMark.__table__
    params = [{"indicator": i, "period": p, "subject": s, "village_path": path, "refs": delta}
              for (i, p, s), (path, delta) in sorted(changes.items())]
    stmt = upsert(table, ["indicator", "period", "subject"], lambda excluded: {"refs": table.c.refs + excluded.refs})
    stmt = stmt.returning(table.c.indicator, table.c.period, table.c.subject, table.c.refs)
    after = {(r.indicator, r.period, r.subject): r.refs for r in db.session.execute(stmt, params)}
    counters: dict = defaultdict(int)
    emptied = []
    for key, (path, delta) in changes.items():
        refs = after[key]
        before = refs - delta
        step = (1 if before <= 0 < refs else 0) - (1 if refs <= 0 < before else 0)
        if refs <= 0:
            emptied.append(key)
        if step:
            indicator, period, subject = key
            targets = [path] if subject.startswith("m:") else [p for _c, p in path_prefixes(path)]
            for target in targets:
                counters[(codes_of(target)[-1], period, indicator)] += step
    if emptied:
        db.session.execute(delete(CoverageMark).where(
            tuple_(CoverageMark.indicator, CoverageMark.period, CoverageMark.subject).in_(emptied)))
    return counters


def _change_counters(amounts: dict) -> None:
    params = [{"unit_code": u, "period": p, "indicator": i, "value": v} for (u, p, i), v in sorted(amounts.items()) if v]
    if not params:
        return
    table = CoverageCounter.__table__
    stmt = upsert(table, ["unit_code", "period", "indicator"], lambda excluded: {"value": table.c.value + excluded.value})
    db.session.execute(stmt, params)


def _touch_last_activity(rows: list[dict], places: dict) -> None:
    latest: dict[str, object] = {}
    for row in rows:
        village = places[row["id"]].village
        for subject in ([f"unit:{village}"] if village else []) + [f"member:{row['member_id']}"]:
            if subject not in latest or row["occurred_at"] > latest[subject]:
                latest[subject] = row["occurred_at"]
    table = LastActivity.__table__
    stmt = upsert(table, ["subject"], lambda excluded: {
        "occurred_at": func.max(table.c.occurred_at, excluded.occurred_at)
        if db.session.get_bind().dialect.name == "sqlite" else func.greatest(table.c.occurred_at, excluded.occurred_at)})
    db.session.execute(stmt, [{"subject": s, "occurred_at": t} for s, t in sorted(latest.items())])


def _places(rows: list[dict]) -> dict:
    from ..residents.models import Resident

    resident_ids = {row["resident_id"] for row in rows if row["resident_id"] is not None}
    canonical, homes = {}, {}
    if resident_ids:
        found = db.session.execute(select(Resident.id, Resident.merged_into_id, Unit.path)
                                   .join(Unit, Resident.unit_id == Unit.id).where(Resident.id.in_(resident_ids))).all()
        canonical = {r.id: r.merged_into_id or r.id for r in found}
        homes = {r.id: r.path for r in found if r.merged_into_id is None}
        missing = set(canonical.values()) - set(homes)
        if missing:
            homes.update(db.session.execute(select(Resident.id, Unit.path).join(Unit, Resident.unit_id == Unit.id)
                                            .where(Resident.id.in_(missing))).all())
    codes = {code for row in rows for code in codes_of(row["unit_path"])}
    villages = set(db.session.scalars(select(Unit.code).where(Unit.code.in_(codes), Unit.level == "village")))
    places = {}
    for row in rows:
        resident = canonical_id = None
        if row["resident_id"] is not None:
            canonical_id = canonical[row["resident_id"]]
            resident = str(canonical_id)
        village, village_path = None, None
        for code, path in path_prefixes(row["unit_path"]):
            if code in villages:
                village, village_path = code, path
        places[row["id"]] = Place(resident, homes.get(canonical_id) if canonical_id else None, village, village_path)
    return places


def move_resident_marks(duplicate_id, kept_id, kept_path: str) -> None:
    """After a merge the two records are one person: the duplicate's marks become the kept one's."""
    old = f"r:{duplicate_id}"
    rows = db.session.execute(select(CoverageMark).where(CoverageMark.subject == old)).scalars().all()
    if not rows:
        return
    marks: dict = {}
    for mark in rows:
        marks[(mark.indicator, mark.period, old)] = [mark.village_path, -mark.refs]
        marks[(mark.indicator, mark.period, f"r:{kept_id}")] = [kept_path, mark.refs]
    _change_counters(_change_marks(marks))
