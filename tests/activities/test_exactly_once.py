"""Exactly once under re-sends and concurrency: the database's unique key decides, not a check-then-insert."""

import dataclasses
import random
import threading
import uuid
from collections import Counter

from sqlalchemy import func, select

from server.activities.models import Activity
from server.extensions import db
from tests.activity_factories import activity_item, make_resident
from tests.conftest import ApiClient
from tests.factories import MEMBER_A, build_world


def _send(app, items, chunk, outcomes, barrier, errors):
    api = ApiClient(app.test_client(), MEMBER_A)
    try:
        barrier.wait(timeout=30)
        for start in range(0, len(items), chunk):
            response = api.post("/activities/batch", json={"items": items[start : start + chunk]})
            assert response.status_code == 200, response.get_data(as_text=True)
            outcomes.extend((r["id"], r["status"]) for r in response.get_json()["results"])
    except BaseException as exc:  # surfaced by the main thread
        errors.append(exc)


def test_the_same_records_sent_by_several_connections_at_once_are_stored_once(app):
    with app.app_context():
        world = build_world()
        residents = [make_resident(world.village_a.code, MEMBER_A, name=f"Người dân {n}") for n in range(10)]
        items = [
            activity_item(world.village_a.code, residents[n % 10].id)
            if n % 4
            else activity_item(world.village_a.code, people=5 + n % 7)
            for n in range(300)
        ]
    rng = random.Random(2026)
    shuffled = rng.sample(items, len(items))
    # Whole, shuffled, split in small batches, reversed, and the whole batch twice more.
    sendings = [(items, 500), (shuffled, 500), (items, 37), (items[::-1], 120), (shuffled, 500), (items, 300)]
    outcomes, errors = [], []
    barrier = threading.Barrier(len(sendings))
    threads = [
        threading.Thread(target=_send, args=(app, batch, chunk, outcomes, barrier, errors)) for batch, chunk in sendings
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(outcomes) == len(items) * len(sendings)
    statuses = Counter(status for _id, status in outcomes)
    assert set(statuses) <= {"created", "duplicate"}
    created = Counter(record_id for record_id, status in outcomes if status == "created")
    assert sorted(created) == sorted(i["id"] for i in items) and set(created.values()) == {1}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Activity)) == len(items)
        assert db.session.scalar(select(func.count(func.distinct(Activity.id)))) == len(items)


def test_a_conflicting_copy_racing_the_original_never_replaces_it(app):
    with app.app_context():
        world = build_world()
        originals = [activity_item(world.village_a.code) for _ in range(100)]
    changed = [item | {"minutes": 99} for item in originals]
    outcomes, errors = [], []
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_send, args=(app, batch, 50, outcomes, barrier, errors))
        for batch in (originals, changed)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    per_id = {}
    for record_id, status in outcomes:
        per_id.setdefault(record_id, []).append(status)
    # For each id one copy won, the other was told it conflicts; the stored row is the winner, whole.
    assert all(sorted(statuses) == ["created", "rejected"] for statuses in per_id.values())
    with app.app_context():
        minutes = Counter(db.session.scalars(select(Activity.minutes)))
        assert sum(minutes.values()) == 100 and set(minutes) <= {20, 99}


def test_a_record_stored_between_the_read_and_the_insert_is_answered_by_the_database(app, monkeypatch):
    """The look-up can miss a record a concurrent request commits just after; the INSERT then skips it
    and a second read answers it."""
    from server.activities import ingest
    from tests.activity_factories import scope_of

    with app.test_request_context():  # messages are translated for a request's language
        world = build_world()
        stored, changed = activity_item(world.village_a.code), activity_item(world.village_a.code)
        scope = scope_of(MEMBER_A)
        ingest.record_batch(scope, [stored, changed])
        db.session.commit()
        real_incoming, real_read, reads = ingest._incoming, ingest._stored_hashes, []

        def incoming_whose_look_up_misses_what_is_stored(rows):
            incoming = real_incoming(rows)
            real_look_up = incoming.look_up
            incoming.look_up = lambda: dataclasses.replace(real_look_up(), stored={})
            return incoming

        def second_read(ids):
            reads.append(ids)
            return real_read(ids)

        monkeypatch.setattr(ingest, "_incoming", incoming_whose_look_up_misses_what_is_stored)
        monkeypatch.setattr(ingest, "_stored_hashes", second_read)
        results = ingest.record_batch(scope, [stored, changed | {"minutes": 7}]).results
        assert [r["status"] for r in results] == ["duplicate", "rejected"] and results[1]["reason"] == "conflict"
        assert set(reads[-1]) == {uuid.UUID(stored["id"]), uuid.UUID(changed["id"])}  # the second read
        assert db.session.scalar(select(func.count()).select_from(Activity)) == 2
        db.session.rollback()
