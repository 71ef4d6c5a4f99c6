"""Two coverage workers draining one queue at once (PostgreSQL, FOR UPDATE SKIP LOCKED) count
exactly what one worker counts: no record lost or counted twice, no deadlock left unhandled, and
the emulation tallies they add up equal a recount."""

import threading
import time
import uuid

import pytest
from sqlalchemy import delete, func, select, text, update

from server.activities.models import Activity
from server.coverage.models import CoverageCounter, CoverageMark, LastActivity
from server.coverage.rebuild import rebuild_coverage
from server.coverage.worker import CHUNK, COUNTING_MEMBER, WRITING, update_coverage_committed
from server.emulation.models import EmulationTally
from server.emulation.tallies import rebuild_tallies
from server.extensions import db
from tests.conftest import SESSION_DATABASE_URL
from tests.coverage.test_exactness import history  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(
    not SESSION_DATABASE_URL.startswith("postgresql"), reason="SQLite runs a single worker: no shared queue"
)


def _aggregates() -> dict:
    db.session.expire_all()
    return {
        model.__tablename__: sorted(tuple(row) for row in db.session.execute(select(model.__table__)).all())
        for model in (CoverageMark, CoverageCounter, LastActivity, EmulationTally)
    }


def _queue_everything() -> int:
    """What a burst leaves: every record stored, none counted."""
    for model in (CoverageMark, CoverageCounter, LastActivity, EmulationTally):
        db.session.execute(delete(model))
    db.session.execute(update(Activity).values(aggregated=None))
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Activity))


# Chunks of 7 interleave over the same villages, members and months; chunks of 150 send their
# counters by COPY (dbutil.STAGED_FROM) from both workers at once.
@pytest.mark.parametrize("chunk", [7, 150])
def test_two_workers_count_exactly_what_one_worker_counts(app, history, chunk):  # noqa: F811
    queued = _queue_everything()
    assert queued > 400
    taken = {0: 0, 1: 0}
    errors = []
    barrier = threading.Barrier(2)

    def work(n):
        try:
            with app.app_context():
                barrier.wait()
                while counted := update_coverage_committed(chunk=chunk):
                    taken[n] += counted
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert taken[0] + taken[1] == queued and taken[0] and taken[1]
    assert db.session.scalar(select(func.count()).where(Activity.aggregated.is_(None))) == 0
    by_two = _aggregates()
    assert by_two["coverage_counters"] and by_two["emulation_tallies"]

    rebuild_coverage()  # one worker, one transaction
    db.session.commit()
    assert _aggregates() == by_two

    rebuild_tallies()  # every member-month recounted from the counted records
    db.session.commit()
    assert _aggregates() == by_two


def _queued_by_member() -> dict:
    return dict(
        db.session.execute(
            select(Activity.member_id, func.count()).where(Activity.aggregated.is_(None)).group_by(Activity.member_id)
        ).all()
    )


@pytest.mark.parametrize("place", [0, 1, -1], ids=["first", "inside", "last"])
def test_a_worker_leaves_a_member_another_worker_is_counting_for_later(app, history, place):  # noqa: F811
    queued = _queue_everything()
    by_member = _queued_by_member()
    assert len(by_member) >= 3
    busy = sorted(by_member)[place]  # where in the chunk (the queue's order) the busy member's records are
    with db.engine.connect() as other:  # another worker, counting this member's records right now
        other.execute(text("SELECT pg_advisory_xact_lock(:kind, :member)"), {"kind": COUNTING_MEMBER, "member": busy})
        assert update_coverage_committed(chunk=queued) == queued - by_member[busy]
        assert _queued_by_member() == {busy: by_member[busy]}
        other.rollback()
    assert update_coverage_committed(chunk=queued) == by_member[busy]
    counted = _aggregates()
    rebuild_coverage()
    db.session.commit()
    assert _aggregates() == counted


def test_a_worker_whose_only_member_is_taken_waits_for_it(app, history):  # noqa: F811
    _queue_everything()
    by_member = _queued_by_member()
    first = min(by_member)
    taken, waited = _count_while_another_worker_holds(
        app, "pg_advisory_xact_lock(:kind, :key)", COUNTING_MEMBER, first, chunk=by_member[first]
    )
    assert waited and taken == [by_member[first]]
    assert first not in _queued_by_member()


def _queue_copy_of_a_counted_record(correcting: bool) -> Activity:
    """A new record like one already counted, in the queue: a correction of it, or another record."""
    superseded = select(Activity.supersedes_id).where(Activity.supersedes_id.is_not(None))
    original = db.session.scalars(
        select(Activity).where(Activity.aggregated.is_(True), Activity.id.not_in(superseded)).order_by(Activity.id)
    ).first()
    columns = {column.key: getattr(original, column.key) for column in Activity.__table__.columns}
    columns |= {"id": uuid.uuid4(), "aggregated": None}
    if correcting:
        columns |= {"supersedes_id": original.id, "outcome": "failed", "blocker": "weak_signal"}
    db.session.add(Activity(**columns))
    db.session.commit()
    return original


def _count_while_another_worker_holds(app, lock: str, kind: int, key: int, chunk: int = CHUNK) -> tuple[list, bool]:
    """Counts a chunk while another connection holds an advisory lock (`lock` with :kind and :key);
    gives back what was counted and whether the counting waited for that connection to commit."""
    taken, errors = [], []

    def work():
        try:
            with app.app_context():
                taken.append(update_coverage_committed(chunk=chunk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    waited = False
    with db.engine.connect() as other:
        other.execute(text(f"SELECT {lock}"), {"kind": kind, "key": key})
        worker = threading.Thread(target=work)
        worker.start()
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory' AND datname = current_database()"
        for _ in range(200):
            waited = bool(other.execute(text(waiting)).scalar())
            if waited or not worker.is_alive():
                break
            time.sleep(0.05)
        if waited:
            assert taken == []
        other.rollback()
    worker.join(timeout=60)
    assert errors == []
    return taken, waited


def _count_while_another_chunk_writes(app) -> tuple[list, bool]:
    """As a chunk writing holds it: the lock shared."""
    return _count_while_another_worker_holds(app, "pg_advisory_xact_lock_shared(:kind, :key)", WRITING, 0)


def test_a_chunk_that_withdraws_a_record_waits_for_the_chunks_writing(app, history):  # noqa: F811
    original = _queue_copy_of_a_counted_record(correcting=True)
    taken, waited = _count_while_another_chunk_writes(app)
    assert waited and taken == [1]
    db.session.expire_all()
    assert db.session.get(Activity, original.id).aggregated is False  # withdrawn


def test_chunks_that_only_add_write_side_by_side(app, history):  # noqa: F811
    _queue_copy_of_a_counted_record(correcting=False)
    taken, waited = _count_while_another_chunk_writes(app)
    assert not waited and taken == [1]
