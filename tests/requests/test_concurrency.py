"""Many phones acting at the same moment, through the HTTP API, on SQLite and PostgreSQL."""

import threading
import uuid
from collections import Counter

from sqlalchemy import func, select

from server.extensions import db
from server.requests.models import HelpRequest, RequestEvent
from tests.conftest import ApiClient
from tests.factories import RESIDENT, build_world, make_team
from tests.requests.helpers import file_request, sign_in

THREADS = 16


def _all_at_once(app, calls):
    """Run each call in its own thread with its own client, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        client = app.test_client()
        barrier.wait()
        results[index] = call(client)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_of_many_simultaneous_claims_exactly_one_wins(app, as_phone, app_context):
    world = build_world()
    members = [f"+8490100{i:04d}" for i in range(THREADS)]
    make_team(world.village_a.code, "Tổ CNS đông người", tuple(members))
    db.session.commit()
    sign_in(as_phone, *members)
    request_id = file_request(as_phone, world)["id"]

    def claim_as(phone):
        return lambda client: ApiClient(client, phone).post(f"/help-requests/{request_id}/claim", json={})

    responses = _all_at_once(app, [claim_as(phone) for phone in members])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: THREADS - 1}, statuses
    winner = next(r for r in responses if r.status_code == 200).get_json()["assignee"]["phone"]
    db.session.rollback()
    stored = db.session.get(HelpRequest, uuid.UUID(request_id))
    assert stored.assignee.phone == winner and stored.version == 2
    claims = db.session.scalar(select(func.count()).where(RequestEvent.action == "claim"))
    assert claims == 1
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.mimetype == "application/problem+json"


def test_simultaneous_filings_get_distinct_references(app, app_context):
    village = build_world().village_a.code

    def file_one(client):
        return ApiClient(client, RESIDENT).post(
            "/help-requests",
            json={"id": str(uuid.uuid4()), "unit": village, "service": "zalo", "description": "Cài Zalo"},
        )

    responses = _all_at_once(app, [file_one] * THREADS)
    assert [r.status_code for r in responses] == [201] * THREADS
    references = {r.get_json()["reference"] for r in responses}
    assert len(references) == THREADS
    numbers = sorted(int(ref[-6:]) for ref in references)
    assert numbers == list(range(numbers[0], numbers[0] + THREADS))


def test_the_same_request_sent_many_times_at_once_is_stored_once(app, app_context):
    world = build_world()
    body = {"id": str(uuid.uuid4()), "unit": world.village_a.code, "service": "zalo", "description": "Cài Zalo"}
    responses = _all_at_once(app, [lambda c: ApiClient(c, RESIDENT).post("/help-requests", json=body)] * 8)
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201], [
        (r.status_code, r.get_json()["reference"]) for r in responses
    ]
    assert len({r.get_json()["reference"] for r in responses}) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 1
