"""Keeping the coverage counters exact on every write, so reading coverage never scans records.

A record's contribution: for each indicator it matches and each period it falls in, either a
subject mark (a resident, village or member, reference-counted so it counts once) or a plain
amount (records, group-session people, blockers). Counters change only when a mark appears or
disappears, or by the plain amounts, for the record's unit and every unit above it."""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select, tuple_

from ..dbutil import add_to_rows, in_values, insert_new_rows, upsert
from ..extensions import db
from ..signals import resident_merged
from ..units.models import Unit
from ..units.paths import codes_of, lineage, subtree_condition
from .indicators import BY_CODE, INDICATORS, MEMBERS, PEOPLE, RECORDS, RESIDENTS, VILLAGES, blocker_counter
from .models import CoverageCounter, CoverageMark, LastActivity
from .periods import is_month, parse_period, period_keys, wider_periods

MARK_KEY = ("indicator", "period", "subject")
MATCHED_COLUMNS = ("service", "action", "outcome", "blocker", "people")


@dataclass(frozen=True)
class Place:
    """Where a record counts: the resident's home village, the record's village, and its unit path."""

    resident: str | None
    resident_path: str | None
    village: str | None
    village_path: str | None


@dataclass
class Contribution:
    """What records change, worked out before anything is written: subject marks of the records'
    months (key → +/- references, and key → the village path it counts in), plain counter amounts
    for every period, and the latest activity of villages and members."""

    marks: dict
    paths: dict
    amounts: dict
    latest: dict


def record_activities(rows: list[dict]) -> None:
    """Add the contribution of newly stored records (dicts with the activities table's columns)."""
    store(contribution(rows, []))


def withdraw_activities(rows: list[dict]) -> None:
    """Take back the contribution of records that a correction has superseded."""
    store(contribution([], rows))


def contribution(added: list[dict], withdrawn: list[dict]) -> Contribution:
    """Reads what the records need (residents' homes, villages, members' areas) and adds up their
    contribution; writes nothing, so a worker does this before it takes any shared lock.

    Marks are worked out for the record's month only: the quarter's, year's and all time's marks
    follow from a month mark when it is new (`_change_marks`), so a subject already counted this
    month costs one look-up, not four."""
    change = Contribution(defaultdict(int), {}, defaultdict(int), {})
    rows = withdrawn + added
    if not rows:
        return change
    places = _places(rows)
    areas = _member_areas({row["member_id"] for row in rows})
    unit_codes = _Lineages()
    for sign, group in ((-1, withdrawn), (+1, added)):
        for row in group:
            _add_record(row, sign, places[row["id"]], areas.get(row["member_id"], ()), unit_codes, change)
    change.latest = _latest(added, places)
    return change


def store(change: Contribution) -> None:
    """Writes a contribution: marks (months first, then the wider periods), then counters, then last
    activity, each in sorted order, so workers writing at the same time take their row locks in one
    order."""
    amounts = change.amounts
    for key, amount in _change_marks(change.marks, change.paths).items():
        amounts[key] += amount
    _change_counters(amounts)
    _touch_last_activity(change.latest)


def _add_record(row: dict, sign: int, place: Place, areas, unit_codes, change: Contribution) -> None:
    periods = period_keys(row["occurred_at"])
    month = periods[0]
    codes = unit_codes[row["unit_path"]]

    def add(indicator_code, amount):
        for period in periods:
            for code in codes:
                change.amounts[(code, period, indicator_code)] += amount

    def mark(indicator_code, subject, path):
        key = (indicator_code, month, subject)
        change.marks[key] += sign
        change.paths[key] = path

    for indicator in INDICATORS:
        if not indicator.matches(row):
            continue
        counts = indicator.counts
        if counts in (RESIDENTS, PEOPLE) and place.resident:
            mark(indicator.code, f"r:{place.resident}", place.resident_path)
        elif counts == PEOPLE and row["people"]:
            add(indicator.code, sign * row["people"])
        elif counts == RECORDS:
            add(indicator.code, sign)
        elif counts == VILLAGES and place.village:
            mark(indicator.code, f"u:{place.village}", place.village_path)
        elif counts == MEMBERS:
            # The denominator's "member of this area" (denominators.member_phones): someone on a team of
            # the area, or its team leader. Active members are those of them who recorded something,
            # wherever they helped, so a rate never exceeds 100 %: a commune leader who helps in a
            # village is active in the commune, not in the village, which does not count them either.
            for code, path in areas:
                mark(indicator.code, f"m:{row['member_id']}@{code}", path)
    blocker = blocker_counter(row)
    if blocker:
        add(blocker, sign)


class _Lineages(dict):
    """Unit path → the codes along it, worked out once per path."""

    def __missing__(self, path):
        codes = self[path] = codes_of(path)
        return codes


def _member_areas(member_ids) -> dict[int, list[tuple[str, str]]]:
    """Each member's areas, (code, path), once each: their teams' units and every unit above them."""
    return {
        member: sorted({area for home in homes for area in lineage(home)})
        for member, homes in member_homes(member_ids).items()
    }


def _change_marks(marks: dict, paths: dict) -> dict:
    """Add the marks of new contributions, take away those no effective record supports any more;
    return the counter changes for the marks that appeared or disappeared.

    Adding is an INSERT … ON CONFLICT DO NOTHING of the months' marks, then of the quarter's, year's
    and all time's marks of those months' marks that were new: where a month mark is stored, they
    are too (a record that supports it supports them). A subject already counted costs no write. A
    withdrawal (a correction superseding a record, rare) asks the records whether another still
    puts the subject there, in each of the four periods."""
    counters: dict = defaultdict(int)
    lineages = _Lineages()
    new = _insert_marks({key: paths[key] for key, delta in marks.items() if delta > 0})
    for key, path in new.items():
        _count(counters, key, path, +1, lineages)
    removed = {
        (indicator, period, subject): paths[(indicator, month, subject)]
        for (indicator, month, subject), delta in marks.items()
        if delta < 0
        for period in (month, *wider_periods(month))
    }
    gone = sorted(set(removed) - _still_supported(set(removed)))
    if gone:
        deleted = db.session.execute(
            delete(CoverageMark)
            .where(tuple_(CoverageMark.indicator, CoverageMark.period, CoverageMark.subject).in_(gone))
            .returning(CoverageMark.indicator, CoverageMark.period, CoverageMark.subject)
        ).all()
        for key in deleted:
            _count(counters, tuple(key), removed[tuple(key)], -1, lineages)
    return counters


def _insert_marks(months: dict, wider: dict | None = None) -> dict:
    """Inserts the marks not stored yet (key → village path): the months' marks, then the quarter's,
    year's and all time's marks of the new ones (or, given, `wider`), each pass in key order, so the
    worker and a merge lock marks in one order. Gives back the marks it stored."""
    new = _insert_new_marks(months)
    if wider is None:
        wider = {
            (indicator, period, subject): path
            for (indicator, month, subject), path in new.items()
            for period in wider_periods(month)
        }
    new.update(_insert_new_marks(wider))
    return new


def _insert_new_marks(paths: dict) -> dict:
    rows = [
        {"indicator": indicator, "period": period, "subject": subject, "village_path": path}
        for (indicator, period, subject), path in sorted(paths.items())
    ]
    return {key: paths[key] for key in insert_new_rows(CoverageMark.__table__, rows, MARK_KEY)}


def _count(counters: dict, key: tuple, path: str, step: int, lineages: _Lineages) -> None:
    """A mark counts in the unit at its path and every unit above it; a member's mark only in its own area."""
    indicator, period, subject = key
    codes = lineages[path]
    for code in codes[-1:] if subject.startswith("m:") else codes:
        counters[(code, period, indicator)] += step


def _still_supported(keys: set) -> set:
    """The marks among `keys` that some effective (not superseded) record still justifies."""
    from ..activities.models import Activity
    from ..residents.models import Resident

    wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for indicator, period, subject in keys:
        wanted[(period, subject)].add(indicator)
    superseder = Activity.__table__.alias("superseder")
    effective = ~select(superseder.c.id).where(superseder.c.supersedes_id == Activity.id).exists()
    supported = set()
    for (period_key, subject), indicators in wanted.items():
        stmt = select(*(getattr(Activity, name) for name in MATCHED_COLUMNS)).where(effective)
        period = parse_period(period_key)
        if period.start is not None:
            stmt = stmt.where(Activity.occurred_at >= period.start, Activity.occurred_at < period.end)
        kind, _sep, rest = subject.partition(":")
        if kind == "r":
            people = select(Resident.id).where(
                (Resident.id == uuid.UUID(rest)) | (Resident.merged_into_id == uuid.UUID(rest))
            )
            stmt = stmt.where(Activity.resident_id.in_(people))
        elif kind == "u":
            stmt = stmt.where(subtree_condition(Activity.unit_path, _path_of(rest)))
        else:  # a member is active in their areas whatever they recorded, wherever
            member, _at, _code = rest.partition("@")
            stmt = stmt.where(Activity.member_id == int(member))
        rows = [dict(row) for row in db.session.execute(stmt).mappings()]
        for indicator in indicators:
            if any(BY_CODE[indicator].matches(row) for row in rows):
                supported.add((indicator, period_key, subject))
    return supported


def member_homes(member_ids) -> dict[int, list[str]]:
    """The unit paths each user counts as a member of: their teams' units and their team leader grants."""
    from ..auth.models import User
    from .denominators import member_phones

    ids = [i for i in member_ids if i is not None]
    users = (
        db.session.execute(select(User.id, User.phone).where(in_values(User.id, ids), User.phone.is_not(None))).all()
        if ids
        else []
    )
    by_phone = defaultdict(list)
    for user_id, phone in users:
        by_phone[phone].append(user_id)
    found: dict[int, list[str]] = defaultdict(list)
    if by_phone:
        homes = member_phones(phones=list(by_phone))
        for phone, path in db.session.execute(select(homes.c.phone, homes.c.path)).all():
            for user_id in by_phone[phone]:
                found[user_id].append(path)
    return found


def _path_of(code: str) -> str:
    return db.session.scalar(select(Unit.path).where(Unit.code == code))


def _change_counters(amounts: dict) -> None:
    rows = [{"unit_code": u, "period": p, "indicator": i, "value": v} for (u, p, i), v in sorted(amounts.items()) if v]
    add_to_rows(CoverageCounter.__table__, rows, ("unit_code", "period", "indicator"), "value")


def _latest(rows: list[dict], places: dict) -> dict:
    latest: dict[str, object] = {}
    for row in rows:
        village = places[row["id"]].village
        for subject in ([f"unit:{village}"] if village else []) + [f"member:{row['member_id']}"]:
            if subject not in latest or row["occurred_at"] > latest[subject]:
                latest[subject] = row["occurred_at"]
    return latest


def _touch_last_activity(latest: dict) -> None:
    if not latest:
        return
    table = LastActivity.__table__
    stmt = upsert(
        table,
        ["subject"],
        lambda excluded: {
            "occurred_at": func.max(table.c.occurred_at, excluded.occurred_at)
            if db.session.get_bind().dialect.name == "sqlite"
            else func.greatest(table.c.occurred_at, excluded.occurred_at)
        },
    )
    db.session.execute(stmt, [{"subject": s, "occurred_at": t} for s, t in sorted(latest.items())])


def _places(rows: list[dict]) -> dict:
    from ..residents.models import Resident

    resident_ids = {row["resident_id"] for row in rows if row["resident_id"] is not None}
    canonical, homes = {}, {}
    if resident_ids:
        found = db.session.execute(
            select(Resident.id, Resident.merged_into_id, Unit.path)
            .join(Unit, Resident.unit_id == Unit.id)
            .where(in_values(Resident.id, resident_ids))
        ).all()
        canonical = {r.id: r.merged_into_id or r.id for r in found}
        homes = {r.id: r.path for r in found if r.merged_into_id is None}
        missing = set(canonical.values()) - set(homes)
        if missing:
            homes.update(
                db.session.execute(
                    select(Resident.id, Unit.path)
                    .join(Unit, Resident.unit_id == Unit.id)
                    .where(in_values(Resident.id, missing))
                ).all()
            )
    codes = {code for row in rows for code in codes_of(row["unit_path"])}
    villages = set(db.session.scalars(select(Unit.code).where(in_values(Unit.code, codes), Unit.level == "village")))
    places = {}
    for row in rows:
        resident = canonical_id = None
        if row["resident_id"] is not None:
            canonical_id = canonical[row["resident_id"]]
            resident = str(canonical_id)
        village, village_path = None, None
        for code, path in lineage(row["unit_path"]):
            if code in villages:
                village, village_path = code, path
        places[row["id"]] = Place(resident, homes.get(canonical_id) if canonical_id else None, village, village_path)
    return places


def connect_signals() -> None:
    resident_merged.connect(_on_resident_merged)


def _on_resident_merged(_sender, duplicate_id, kept_id, kept_path: str) -> None:
    move_resident_marks(duplicate_id, kept_id, kept_path)


def move_resident_marks(duplicate_id, kept_id, kept_path: str) -> None:
    """After a merge the two records are one person: the duplicate's marks become the kept one's."""
    old = f"r:{duplicate_id}"
    marks = db.session.execute(select(CoverageMark).where(CoverageMark.subject == old)).scalars().all()
    if not marks:
        return
    counters: dict = defaultdict(int)
    lineages = _Lineages()
    for mark in marks:
        _count(counters, (mark.indicator, mark.period, old), mark.village_path, -1, lineages)
    moved = {(m.indicator, m.period, f"r:{kept_id}"): kept_path for m in marks}
    db.session.execute(delete(CoverageMark).where(CoverageMark.subject == old))
    months = {key: path for key, path in moved.items() if is_month(key[1])}
    wider = {key: path for key, path in moved.items() if key not in months}
    for key, path in _insert_marks(months, wider).items():
        _count(counters, key, path, +1, lineages)
    _change_counters(counters)
