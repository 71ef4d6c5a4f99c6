import uuid
from datetime import date

from server.emulation.trainings import create_training
from server.extensions import db
from tests.access_cases import OK, Case, everyone
from tests.activity_factories import scope_of
from tests.factories import LEADER_A, MEMBER_A

# Village A's ranking: its commune's leader, the province monitor, the admin, and the member of its team.
READERS_OF_VILLAGE_A = everyone(404, anonymous=401, member_a=OK, leader_a=OK, monitor_a=OK, admin=OK)


def _training(world) -> str:
    training, _created = create_training(
        scope_of(LEADER_A), uuid.uuid4(), world.village_a.code, "Tập huấn VNeID", date(2026, 11, 20), ["vneid"], None
    )
    db.session.commit()
    return str(training.id)


CASES = [
    Case(
        "GET",
        "/api/v1/emulation/<string:code>",
        lambda w: (f"/emulation/{w.village_a.code}?period=2026-Q4", None),
        READERS_OF_VILLAGE_A,
    ),
    Case(
        "POST",
        "/api/v1/trainings",
        lambda w: (
            "/trainings",
            {
                "id": str(uuid.uuid4()),
                "unit": w.village_a.code,
                "title": "Tập huấn VNeID",
                "held_on": "2026-11-20",
                "services": ["vneid"],
            },
        ),
        everyone(403, anonymous=401, leader_a=OK, admin=OK),
    ),
    Case(
        "POST",
        "/api/v1/trainings/<uuid:training_id>/attendance",
        lambda w: (f"/trainings/{_training(w)}/attendance", {"phones": [MEMBER_A]}),
        everyone(403, anonymous=401, leader_a=OK, admin=OK, leader_b=404),
    ),
    Case("GET", "/api/v1/trainings", lambda w: (f"/trainings?unit={w.village_a.code}", None), READERS_OF_VILLAGE_A),
]
