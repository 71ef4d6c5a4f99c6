from datetime import timedelta

from sqlalchemy import update

from server.activities.ingest import record_batch
from server.activities.models import Activity
from server.extensions import db
from server.types import utcnow
from tests.access_cases import EMPTY, OK, REJECTED, Case, everyone
from tests.activity_factories import activity_item, scope_of
from tests.factories import MEMBER_A

RECORDERS = everyone(403, anonymous=401, member_a=OK, leader_a=OK, admin=OK)


def _stored_activity(world):
    """A record of area A that arrived an hour ago (past the settle window of the list)."""
    record_batch(scope_of(MEMBER_A), [activity_item(world.village_a.code)])
    db.session.execute(update(Activity).values(received_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    return f"/activities?unit={world.village_a.code}", None


CASES = [
    # A batch is answered item by item: a worker of area B gets 200 with the item rejected as outside_area.
    Case(
        "POST",
        "/api/v1/activities/batch",
        lambda w: ("/activities/batch", {"items": [activity_item(w.village_a.code)]}),
        RECORDERS | {"member_b": REJECTED, "leader_b": REJECTED},
    ),
    Case("POST", "/api/v1/activities", lambda w: ("/activities", activity_item(w.village_a.code)), RECORDERS),
    Case(
        "GET",
        "/api/v1/activities",
        _stored_activity,
        everyone(EMPTY, anonymous=401, member_a=OK, leader_a=OK, monitor_a=OK, admin=OK),
    ),
]
