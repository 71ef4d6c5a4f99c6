"""The coverage worker: counts newly stored records in large chunks, outside the phones' requests.

Ingest only stores records (their `aggregated` flag is null); this worker turns them into coverage
marks and counters, so a burst of phones regaining signal is not slowed by the aggregates.
Coverage is as fresh as the worker: run `flask --app wsgi coverage update --loop`."""

import random
import time

from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from ..activities.models import Activity
from ..dbutil import in_values
from ..extensions import db
from ..signals import activities_counted
from .aggregates import contribution, store

CONTRIBUTING_COLUMNS = (
    "id",
    "member_id",
    "unit_path",
    "resident_id",
    "people",
    "service",
    "action",
    "outcome",
    "blocker",
    "occurred_at",
    "supersedes_id",
)
CHUNK = 5000  # larger chunks share more marks (a member's year, a village's month): ~25 % faster than 2,000
RETRIED = {"40P01", "40001"}  # deadlock detected, serialization failure
COUNTING_MEMBER = 7416  # advisory lock class: "a worker is counting this member's records" (key: member id)


def update_coverage(chunk: int = CHUNK) -> int:
    """Counts one chunk of records not yet seen; returns how many it took (0: coverage is current).

    A record counts unless a stored record supersedes it (a correction may arrive before the
    original). A record counted earlier stops counting when its correction is seen."""
    columns = [getattr(Activity, name) for name in CONTRIBUTING_COLUMNS]
    # A member's records together: their marks, areas and tallies are shared within the chunk, and
    # two workers take different members, so they seldom wait on each other's rows.
    stmt = select(*columns).where(Activity.aggregated.is_(None)).order_by(Activity.member_id, Activity.id).limit(chunk)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # several workers share the queue
    rows = _members_of_our_own([dict(row) for row in db.session.execute(stmt).mappings()])
    if not rows:
        return 0
    ids = [row["id"] for row in rows]
    superseded = set(db.session.scalars(select(Activity.supersedes_id).where(in_values(Activity.supersedes_id, ids))))
    counted = [row for row in rows if row["id"] not in superseded]
    targets = {row["supersedes_id"] for row in counted if row["supersedes_id"] is not None}
    withdrawn = []
    if targets:
        withdrawn = [
            dict(row)
            for row in db.session.execute(
                select(*columns).where(in_values(Activity.id, targets), Activity.aggregated.is_(True))
            ).mappings()
        ]
    # Everything above reads, and locks only this chunk's records. What follows writes rows other
    # workers write too (tallies, marks, counters): the contribution is worked out first, and the
    # shared rows come last, each kind in sorted order, so they are held briefly and never deadlock.
    change = contribution(counted, withdrawn)
    _flag([row["id"] for row in withdrawn], False)
    _flag([row["id"] for row in counted], True)
    _flag([i for i in ids if i in superseded], False)
    activities_counted.send(counted=counted, withdrawn=withdrawn)
    store(change)
    return len(rows)


def update_coverage_committed(chunk: int = CHUNK, attempts: int = 5) -> int:
    """One chunk in a transaction of its own, committed (the `coverage update` command).

    Should two workers still deadlock, or a transaction fail to serialise, PostgreSQL cancels one
    of them: that one rolls back (its records go back to the queue) and tries again."""
    for attempt in range(attempts):
        try:
            taken = update_coverage(chunk)
            db.session.commit()
            return taken
        except DBAPIError as error:
            db.session.rollback()
            if getattr(error.orig, "sqlstate", None) not in RETRIED or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.05, 0.5) * (attempt + 1))
    return 0


def update_all() -> int:
    """Runs the worker until coverage is current, in one transaction (tests and the demo seed; the
    `coverage update` command commits after each chunk instead)."""
    done = 0
    while taken := update_coverage():
        done += taken
    return done


def _members_of_our_own(rows: list[dict]) -> list[dict]:
    """The records of the members no other worker is counting (PostgreSQL).

    A chunk may end in the middle of a member's records, and the next worker's chunk then begins
    with the rest of them: both would lock that member's tallies and marks, and the second would
    wait for the first to commit. So a worker claims each member of its chunk (an advisory lock
    until commit) and leaves another worker's members' records in the queue for a later chunk
    (they stay locked by this transaction until then). When all are taken, it waits for the first."""
    if not rows or db.session.get_bind().dialect.name != "postgresql":
        return rows
    members = sorted({row["member_id"] for row in rows})
    ours = set(
        db.session.scalars(
            text("SELECT m FROM unnest(CAST(:members AS integer[])) AS m WHERE pg_try_advisory_xact_lock(:kind, m)"),
            {"members": members, "kind": COUNTING_MEMBER},
        )
    )
    if not ours:
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:kind, :member)"), {"kind": COUNTING_MEMBER, "member": members[0]}
        )
        ours = {members[0]}
    return [row for row in rows if row["member_id"] in ours]


def _flag(ids: list, value: bool) -> None:
    if ids:
        db.session.execute(
            update(Activity)
            .where(in_values(Activity.id, ids))
            .values(aggregated=value)
            .execution_options(synchronize_session=False)
        )
