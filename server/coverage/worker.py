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
WRITING = 7417  # advisory lock class (key 0): held shared by chunks writing, exclusive by one withdrawing


def update_coverage(chunk: int = CHUNK, shared: bool = False) -> int:
    """Counts one chunk of records not yet seen; returns how many it took (0: coverage is current).

    A record counts unless a stored record supersedes it (a correction may arrive before the
    original). A record counted earlier stops counting when its correction is seen. `shared`: other
    workers may be counting at the same time, and each chunk commits on its own."""
    columns = [getattr(Activity, name) for name in CONTRIBUTING_COLUMNS]
    # A member's records together: their marks, areas and tallies are shared within the chunk, and
    # two workers take different members, so they seldom wait on each other's rows.
    stmt = select(*columns).where(Activity.aggregated.is_(None)).order_by(Activity.member_id, Activity.id).limit(chunk)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # several workers share the queue
    else:
        shared = False  # SQLite runs one worker
    rows = [dict(row) for row in db.session.execute(stmt).mappings()]
    if shared:
        rows = _without_split_members(rows)
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
    if shared:
        _begin_writing(withdrawing=bool(withdrawn))
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
            taken = update_coverage(chunk, shared=True)
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


def _without_split_members(rows: list[dict]) -> list[dict]:
    """The chunk, less the records of members another worker is counting.

    Chunks follow the members' order, so a member split between two workers' chunks ends the one
    and begins the other (or, once records were left for later, lies inside it): both would lock
    that member's tallies and marks, and the second would wait for the first's whole transaction.
    So each worker claims the first and last members it counts (advisory locks until commit; two a
    chunk, whatever its size, for the server's lock table is small) and leaves the members others
    have claimed in the queue for a later chunk (their records stay locked by this transaction until
    then). When that leaves nothing, it waits for the first member."""
    if not rows:
        return rows
    others = set(db.session.scalars(text(_CLAIMED_BY_OTHERS), {"kind": COUNTING_MEMBER}))
    kept = [row for row in rows if row["member_id"] not in others]
    if kept:
        edges = sorted({kept[0]["member_id"], kept[-1]["member_id"]})
        claimed = set(db.session.scalars(text(_CLAIM), {"members": edges, "kind": COUNTING_MEMBER}))
        kept = [row for row in kept if row["member_id"] in claimed or row["member_id"] not in edges]
    if not kept:
        first = rows[0]["member_id"]
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:kind, :member)"), {"kind": COUNTING_MEMBER, "member": first}
        )
        kept = [row for row in rows if row["member_id"] == first]
    return kept


_CLAIM = "SELECT m FROM unnest(CAST(:members AS integer[])) AS m WHERE pg_try_advisory_xact_lock(:kind, m)"
_CLAIMED_BY_OTHERS = """
SELECT objid::integer FROM pg_locks
WHERE locktype = 'advisory' AND classid = :kind AND objsubid = 2 AND granted AND pid <> pg_backend_pid()
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def _begin_writing(withdrawing: bool) -> None:
    """A withdrawal deletes the marks no stored record supports any more. Were another chunk to count
    a record of the same subject and period between that check and the delete, its month mark would
    be left without its quarter's, year's or all time's mark. So a chunk that withdraws writes alone:
    it waits for the chunks writing (each holds this lock shared until it commits), and they wait for
    it. Corrections are rare; chunks that only add never wait for each other here."""
    lock = "pg_advisory_xact_lock" if withdrawing else "pg_advisory_xact_lock_shared"
    db.session.execute(text(f"SELECT {lock}(:kind, 0)"), {"kind": WRITING})


def _flag(ids: list, value: bool) -> None:
    if ids:
        db.session.execute(
            update(Activity)
            .where(in_values(Activity.id, ids))
            .values(aggregated=value)
            .execution_options(synchronize_session=False)
        )
