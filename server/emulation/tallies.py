"""Each member's work per month, kept in step with the records by the coverage worker.

After every chunk the worker has counted, the (member, month) pairs it touched are recounted
from that member's records of that month (a few dozen rows), so corrections and merged
residents come out right without any bookkeeping; a ranking then adds up months. A recount reads
every stored record, counted or still queued, so two workers recounting the same member-month
find the same tally."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, text, tuple_

from ..activities.models import Activity
from ..coverage.periods import VIETNAM, parse_period, period_keys
from ..dbutil import in_values, replace_rows
from ..extensions import db
from ..residents.models import Resident
from .models import EmulationTally

ALL_SERVICES = "*"
SUCCEEDED = "succeeded"
BATCH = 5000  # member-months recounted together (a coverage chunk of 2,000 records touches up to 2,000)
TALLY_LOCKS = 0x7A11  # the advisory lock namespace of member-months
REBUILD_BATCH = 200
# A record is stored after it happened (ingest refuses times more than 10 minutes ahead of the
# server's clock), so "received since the month began, less this margin" bounds a member's records
# of a month through the (member_id, received_at) index, instead of reading their whole history.
CLOCK_MARGIN = timedelta(days=1)


def month_of(moment: datetime) -> str:
    return period_keys(moment)[0]


def on_activities_counted(_sender=None, rows=(), **_extra) -> None:
    refresh_tallies({(row["member_id"], month_of(row["occurred_at"])) for row in rows})


def refresh_tallies(pairs: set[tuple[int, str]]) -> None:
    """Recount the given (member id, month) tallies from the records that count."""
    pairs = sorted(pairs)
    for start in range(0, len(pairs), BATCH):
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
    """Records that count: not superseded by a stored correction; residents as merged."""
    superseder = Activity.__table__.alias("superseder")
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
        .where(~select(superseder.c.id).where(superseder.c.supersedes_id == Activity.id).exists())
    )


def _refresh(pairs: list[tuple[int, str]]) -> None:
    """Recount sorted (member, month) pairs: one read of their records, one read of their stored
    keys, one upsert, and a delete of the rows a correction or merge has emptied.

    Several coverage workers may recount the same member-month at once. Each first takes a lock
    per member-month (PostgreSQL advisory locks, in sorted order, held until commit), so the later
    recount reads what the earlier committed and a stale count never overwrites a fresh one."""
    if db.session.get_bind().dialect.name == "postgresql":
        keys = sorted({_lock_key(member_id, month) for member_id, month in pairs})
        db.session.execute(
            text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:keys AS bigint[])) AS k"), {"keys": keys}
        )
    by_month: dict[str, list[int]] = defaultdict(list)
    for member_id, month in pairs:
        by_month[month].append(member_id)
    records, stored = [], []
    for month, members in sorted(by_month.items()):
        period = parse_period(month)
        records.append(
            and_(
                in_values(Activity.member_id, members),
                Activity.received_at >= period.start - CLOCK_MARGIN,
                Activity.occurred_at >= period.start,
                Activity.occurred_at < period.end,
            )
        )
        stored.append(and_(in_values(EmulationTally.member_id, members), EmulationTally.month == month))
    groups = defaultdict(list)
    for row in db.session.execute(effective_records().where(or_(*records))):
        groups[(row.member_id, month_of(row.occurred_at))].append(row)
    tallies = [tally for pair in pairs if pair in groups for tally in tally_rows(*pair, groups[pair])]
    tallies.sort(key=_tally_key)
    fresh = {_tally_key(tally) for tally in tallies}
    keys = (EmulationTally.member_id, EmulationTally.month, EmulationTally.service)
    stale = sorted({tuple(key) for key in db.session.execute(select(*keys).where(or_(*stored)))} - fresh)
    replace_rows(EmulationTally.__table__, tallies, ("member_id", "month", "service"))
    if stale:
        db.session.execute(
            delete(EmulationTally).where(tuple_(*keys).in_(stale)).execution_options(synchronize_session=False)
        )


def _tally_key(tally: dict) -> tuple[int, str, str]:
    return tally["member_id"], tally["month"], tally["service"]


def _lock_key(member_id: int, month: str) -> int:
    """A bigint of its own per member-month: a namespace in the top bits, then the member and the month."""
    year, number = month.split("-")
    return (TALLY_LOCKS << 48) | (member_id << 16) | (int(year) - 2000) * 12 + int(number)


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
        }
    )
    return result


def connect_signals() -> None:
    from ..signals import activities_counted, resident_merged

    activities_counted.connect(on_activities_counted)
    resident_merged.connect(_on_resident_merged)


def _on_resident_merged(_sender, duplicate_id, kept_id, **_extra) -> None:
    """After coverage has moved the duplicate's marks (connected first): recount who helped either."""
    refresh_tallies_of_residents([duplicate_id, kept_id])
