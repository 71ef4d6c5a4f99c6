"""Each member's work per month, kept in step with the records by the coverage worker.

After every chunk the worker has counted, the (member, month) pairs it touched are recounted
from that member's records of that month (a few dozen rows), so corrections and merged
residents come out right without any bookkeeping; a ranking then adds up months."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..activities.models import Activity
from ..coverage.periods import VIETNAM, parse_period, period_keys
from ..dbutil import in_values
from ..extensions import db
from ..residents.models import Resident
from .models import EmulationTally

ALL_SERVICES = "*"
SUCCEEDED = "succeeded"
BATCH = 500
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
    by_month: dict[str, set[int]] = defaultdict(set)
    for member_id, month in pairs:
        by_month[month].add(member_id)
    for month, members in sorted(by_month.items()):
        members = sorted(members)
        for start in range(0, len(members), BATCH):
            _refresh_month(month, members[start : start + BATCH])


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


def _refresh_month(month: str, members: list[int]) -> None:
    period = parse_period(month)
    stmt = effective_records().where(
        in_values(Activity.member_id, members),
        Activity.received_at >= period.start - CLOCK_MARGIN,
        Activity.occurred_at >= period.start,
        Activity.occurred_at < period.end,
    )
    by_member = defaultdict(list)
    for row in db.session.execute(stmt):
        by_member[row.member_id].append(row)
    db.session.execute(
        delete(EmulationTally)
        .where(in_values(EmulationTally.member_id, members), EmulationTally.month == month)
        .execution_options(synchronize_session=False)
    )
    tallies = [tally for member_id, rows in sorted(by_member.items()) for tally in tally_rows(member_id, month, rows)]
    if tallies:
        db.session.execute(EmulationTally.__table__.insert(), tallies)


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
