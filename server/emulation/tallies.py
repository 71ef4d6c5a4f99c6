"""Each member's work per month, kept in step with the records by the coverage worker.

A tally holds what the records the coverage worker has counted (aggregated is true) contribute.
After each chunk the worker adds the chunk's contribution: successes and group-session people add
up; a resident, or a pursued case, is compared with that resident's earlier counted records of the
member-month (read through the resident index, a handful of rows); a day is a bit of `day_mask`.
A correction that withdraws a counted record, and a merge of two residents, recount the member-
months concerned from their counted records instead. A ranking then adds up months.

Two workers may touch the same member-month at once: each first locks the member-month's "*"
row (in sorted order, held until commit), so the later one reads what the earlier committed."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, tuple_

from ..activities.models import Activity
from ..coverage.periods import VIETNAM, parse_period, period_keys
from ..dbutil import in_values, insert_and_lock, replace_rows
from ..extensions import db
from ..residents.models import Resident
from .models import EmulationTally

ALL_SERVICES = "*"
SUCCEEDED = "succeeded"
BATCH = 5000  # member-months locked or recounted together (a coverage chunk touches up to 5,000)
REBUILD_BATCH = 200
# A record is stored after it happened (ingest refuses times more than 10 minutes ahead of the
# server's clock), so "received since the month began, less this margin" bounds a member's records
# of a month through the (member_id, received_at) index, instead of reading their whole history.
CLOCK_MARGIN = timedelta(days=1)


def month_of(moment: datetime) -> str:
    return period_keys(moment)[0]


def on_activities_counted(_sender=None, counted=(), withdrawn=(), **_extra) -> None:
    """The coverage worker has flagged `counted` as counting and `withdrawn` (superseded by a
    correction among `counted`) as no longer counting, in this transaction."""
    recount = {_pair(row) for row in withdrawn} | {_pair(row) for row in counted if row["supersedes_id"]}
    added = [row for row in counted if _pair(row) not in recount]
    pairs = sorted({_pair(row) for row in added} | recount)
    for start in range(0, len(pairs), BATCH):
        _lock(pairs[start : start + BATCH])
    recount = sorted(recount)
    for start in range(0, len(recount), BATCH):
        _refresh(recount[start : start + BATCH])
    if added:
        _add(added)


def refresh_tallies(pairs: set[tuple[int, str]]) -> None:
    """Recount the given (member id, month) tallies from the records that count."""
    pairs = sorted(pairs)
    for start in range(0, len(pairs), BATCH):
        _lock(pairs[start : start + BATCH])
        _refresh(pairs[start : start + BATCH])


def refresh_tallies_of_residents(resident_ids: list) -> None:
    """After a merge two records are one person: recount the member-months that helped either."""
    db.session.flush()
    rows = db.session.execute(
        select(Activity.member_id, Activity.occurred_at).where(in_values(Activity.resident_id, resident_ids))
    ).all()
    refresh_tallies({(member_id, month_of(moment)) for member_id, moment in rows})


def rebuild_tallies(progress=None) -> int:
    """Forget every tally and recount them all, reading each record once (members in batches, each
    batch's records grouped by member and month in Python). Returns the number of member-months."""
    db.session.execute(delete(EmulationTally))
    members = sorted(set(db.session.scalars(select(Activity.member_id).distinct())))
    done = 0
    for start in range(0, len(members), REBUILD_BATCH):
        batch = members[start : start + REBUILD_BATCH]
        groups = defaultdict(list)
        for row in db.session.execute(effective_records().where(in_values(Activity.member_id, batch))):
            groups[(row.member_id, month_of(row.occurred_at))].append(row)
        tallies = [
            tally for (member_id, month), rows in sorted(groups.items()) for tally in tally_rows(member_id, month, rows)
        ]
        for offset in range(0, len(tallies), 5000):
            db.session.execute(EmulationTally.__table__.insert(), tallies[offset : offset + 5000])
        done += len(groups)
        if progress:
            progress(min(start + REBUILD_BATCH, len(members)), len(members))
    return done


def effective_records():
    """Records that count: those the coverage worker has counted (not superseded by a correction
    it has seen); residents as merged."""
    resident = func.coalesce(Resident.merged_into_id, Activity.resident_id)
    return (
        select(
            Activity.member_id,
            Activity.service,
            Activity.outcome,
            Activity.blocker,
            Activity.people,
            Activity.occurred_at,
            resident.label("resident"),
        )
        .outerjoin(Resident, Resident.id == Activity.resident_id)
        .where(Activity.aggregated.is_(True))
    )


def _refresh(pairs: list[tuple[int, str]]) -> None:
    """Recount sorted, locked (member, month) pairs: one read of their records, one read of their
    stored keys, one upsert, and a delete of the rows a correction or merge has emptied."""
    records = []
    for month, members in sorted(_by_month(pairs).items()):
        period = parse_period(month)
        records.append(
            and_(
                in_values(Activity.member_id, members),
                Activity.received_at >= period.start - CLOCK_MARGIN,
                Activity.occurred_at >= period.start,
                Activity.occurred_at < period.end,
            )
        )
    groups = defaultdict(list)
    for row in db.session.execute(effective_records().where(or_(*records))):
        groups[(row.member_id, month_of(row.occurred_at))].append(row)
    tallies = [tally for pair in pairs if pair in groups for tally in tally_rows(*pair, groups[pair])]
    tallies.sort(key=_tally_key)
    fresh = {_tally_key(tally) for tally in tallies}
    keys = (EmulationTally.member_id, EmulationTally.month, EmulationTally.service)
    stale = sorted({_tally_key(tally) for tally in _stored_tallies(pairs)} - fresh)
    replace_rows(EmulationTally.__table__, tallies, ("member_id", "month", "service"))
    if stale:
        db.session.execute(
            delete(EmulationTally).where(tuple_(*keys).in_(stale)).execution_options(synchronize_session=False)
        )


def _lock(pairs: list[tuple[int, str]]) -> None:
    """Locks the member-months until commit through their "*" rows (created empty where missing;
    a recount deletes it again if no record counts): sorted, so two workers never deadlock."""
    empty = dict(service=ALL_SERVICES, people=0, successes=0, pursued=0, days=0, day_mask=0)
    rows = [dict(empty, member_id=member_id, month=month) for member_id, month in sorted(pairs)]
    insert_and_lock(EmulationTally.__table__, rows, ("member_id", "month", "service"))


def _add(rows: list[dict]) -> None:
    """Adds the contribution of newly counted records (the worker's dicts) to locked member-months."""
    chunk = {row["id"] for row in rows}
    canonical = _canonical_residents({row["resident_id"] for row in rows if row["resident_id"] is not None})
    pairs = sorted({_pair(row) for row in rows})
    # (member, month, resident) → [(service, outcome, blocker, occurred_at)]; (member, month,
    # service) → [people, successes, pursued] to add.
    new: dict[tuple, list] = defaultdict(list)
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    days: dict[tuple, int] = defaultdict(int)
    for row in rows:
        member, month = pair = _pair(row)
        days[pair] |= 1 << (row["occurred_at"].astimezone(VIETNAM).day - 1)
        if row["outcome"] == SUCCEEDED:
            for service in (row["service"], ALL_SERVICES):
                deltas[(member, month, service)][1] += 1
                if row["resident_id"] is None:
                    deltas[(member, month, service)][0] += row["people"] or 0
        if row["resident_id"] is not None:
            case = (row["service"], row["outcome"], row["blocker"], row["occurred_at"])
            new[(member, month, canonical[row["resident_id"]])].append(case)
    earlier: dict[tuple, list] = defaultdict(list)
    if new:
        aliases = select(Resident.id).where(
            in_values(Resident.id, {r for _m, _mo, r in new})
            | in_values(Resident.merged_into_id, {r for _m, _mo, r in new})
        )
        for row in db.session.execute(
            effective_records()
            .add_columns(Activity.id)
            .where(Activity.resident_id.in_(aliases), in_values(Activity.member_id, {m for m, _mo, _r in new}))
        ):
            key = (row.member_id, month_of(row.occurred_at), row.resident)
            if key in new and row.id not in chunk:
                earlier[key].append((row.service, row.outcome, row.blocker, row.occurred_at))
    for (member, month, _resident), cases in new.items():
        before = _helped_and_pursued(earlier[(member, month, _resident)])
        after = _helped_and_pursued(earlier[(member, month, _resident)] + cases)
        for service in set(before) | set(after):
            helped_before, pursued_before = before.get(service, (False, False))
            helped_after, pursued_after = after.get(service, (False, False))
            delta = deltas[(member, month, service)]
            delta[0] += helped_after - helped_before
            delta[2] += pursued_after - pursued_before
    stored = {_tally_key(t): t for t in _stored_tallies(pairs)}
    changed = []
    for key in sorted(set(deltas) | {(m, mo, ALL_SERVICES) for m, mo in pairs}):
        people, successes, pursued = deltas.get(key, (0, 0, 0))
        tally = stored.get(key) or dict(
            member_id=key[0], month=key[1], service=key[2], people=0, successes=0, pursued=0, days=0, day_mask=0
        )
        tally = dict(tally, people=tally["people"] + people, successes=tally["successes"] + successes)
        tally["pursued"] += pursued
        if key[2] == ALL_SERVICES:
            tally["day_mask"] |= days[key[:2]]
            tally["days"] = tally["day_mask"].bit_count()
        elif key not in stored and not (tally["successes"] or tally["pursued"]):
            continue
        changed.append(tally)
    replace_rows(EmulationTally.__table__, changed, ("member_id", "month", "service"))


def _helped_and_pursued(cases: list[tuple]) -> dict:
    """One resident's records in a member-month → {service or "*": (helped, pursued)}, as tally_rows counts."""
    first_blocked: dict[str, datetime] = {}
    last_success: dict[str, datetime] = {}
    for service, outcome, blocker, at in cases:
        if outcome == SUCCEEDED:
            last_success[service] = max(last_success.get(service, at), at)
        elif blocker:
            first_blocked[service] = min(first_blocked.get(service, at), at)
    result = {}
    for service in set(last_success) | set(first_blocked):
        success, blocked = last_success.get(service), first_blocked.get(service)
        result[service] = (success is not None, success is not None and blocked is not None and success > blocked)
    pursued = sum(p for _h, p in result.values())
    result[ALL_SERVICES] = (bool(last_success), pursued)
    return result


def _canonical_residents(ids: set) -> dict:
    if not ids:
        return {}
    return {
        row.id: row.merged_into_id or row.id
        for row in db.session.execute(select(Resident.id, Resident.merged_into_id).where(in_values(Resident.id, ids)))
    }


def _by_month(pairs) -> dict[str, list[int]]:
    by_month: dict[str, list[int]] = defaultdict(list)
    for member_id, month in pairs:
        by_month[month].append(member_id)
    return by_month


def _stored_tallies(pairs: list[tuple[int, str]]) -> list[dict]:
    table = EmulationTally.__table__
    condition = or_(
        *(and_(in_values(table.c.member_id, m), table.c.month == month) for month, m in _by_month(pairs).items())
    )
    return [dict(row) for row in db.session.execute(select(table).where(condition)).mappings()]


def _pair(row: dict) -> tuple[int, str]:
    return row["member_id"], month_of(row["occurred_at"])


def _tally_key(tally: dict) -> tuple[int, str, str]:
    return tally["member_id"], tally["month"], tally["service"]


def tally_rows(member_id: int, month: str, rows) -> list[dict]:
    """One member's month: per service and in total ("*"), people helped successfully (distinct
    residents plus group-session people), successes, cases pursued despite a blocker, days active."""
    helped: dict[str, set] = defaultdict(set)
    group_people: dict[str, int] = defaultdict(int)
    successes: dict[str, int] = defaultdict(int)
    first_blocked: dict[tuple, datetime] = {}
    last_success: dict[tuple, datetime] = {}
    days = set()
    for row in rows:
        days.add(row.occurred_at.astimezone(VIETNAM).date())
        key = (row.resident, row.service)
        if row.outcome == SUCCEEDED:
            successes[row.service] += 1
            if row.resident is not None:
                helped[row.service].add(row.resident)
                last_success[key] = max(last_success.get(key, row.occurred_at), row.occurred_at)
            else:
                group_people[row.service] += row.people or 0
        elif row.blocker and row.resident is not None:
            first_blocked[key] = min(first_blocked.get(key, row.occurred_at), row.occurred_at)
    pursued: dict[str, int] = defaultdict(int)
    for key, blocked_at in first_blocked.items():
        if key in last_success and last_success[key] > blocked_at:
            pursued[key[1]] += 1
    services = sorted(set(successes) | set(pursued))
    result = [
        {
            "member_id": member_id,
            "month": month,
            "service": service,
            "people": len(helped[service]) + group_people[service],
            "successes": successes[service],
            "pursued": pursued[service],
            "days": 0,
            "day_mask": 0,
        }
        for service in services
    ]
    everyone = set().union(*helped.values()) if helped else set()
    result.append(
        {
            "member_id": member_id,
            "month": month,
            "service": ALL_SERVICES,
            "people": len(everyone) + sum(group_people.values()),
            "successes": sum(successes.values()),
            "pursued": sum(pursued.values()),
            "days": len(days),
            "day_mask": sum(1 << (day.day - 1) for day in days),
        }
    )
    return result


def connect_signals() -> None:
    from ..signals import activities_counted, counting_reset, resident_merged

    activities_counted.connect(on_activities_counted)
    counting_reset.connect(_on_counting_reset)
    resident_merged.connect(_on_resident_merged)


def _on_resident_merged(_sender, duplicate_id, kept_id, **_extra) -> None:
    """After coverage has moved the duplicate's marks (connected first): recount who helped either."""
    refresh_tallies_of_residents([duplicate_id, kept_id])


def _on_counting_reset(_sender=None, **_extra) -> None:
    """Every record goes back to the worker's queue: the tallies start again from nothing."""
    db.session.execute(delete(EmulationTally))
