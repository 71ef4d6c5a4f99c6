"""Two coverage workers draining one queue at once (PostgreSQL, FOR UPDATE SKIP LOCKED) count
exactly what one worker counts: no record lost or counted twice, no deadlock left unhandled, and
the emulation tallies they add up equal a recount."""

import threading

import pytest
from sqlalchemy import delete, func, select, update

from server.activities.models import Activity
from server.coverage.models import CoverageCounter, CoverageMark, LastActivity
from server.coverage.rebuild import rebuild_coverage
from server.coverage.worker import update_coverage_committed
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


def test_two_workers_count_exactly_what_one_worker_counts(app, history):  # noqa: F811
    queued = _queue_everything()
    assert queued > 400
    taken = {0: 0, 1: 0}
    errors = []
    barrier = threading.Barrier(2)

    def work(n):
        try:
            with app.app_context():
                barrier.wait()
                # Small chunks, so the two interleave over the same villages, members and months.
                while chunk := update_coverage_committed(chunk=7):
                    taken[n] += chunk
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
