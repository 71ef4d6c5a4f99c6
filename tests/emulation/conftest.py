"""A commune with three teams' worth of history in Q3–Q4 2026, the clock frozen on 15 December 2026."""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from server.extensions import db
from server.teams.models import TeamMember
from tests.activity_factories import activity_item, count_coverage, make_resident, scope_of
from tests.factories import ADMIN, COMMUNE_A, LEADER_A, MEMBER_A, RESIDENT, build_world, make_team, make_unit
from tests.requests.helpers import act, file_request

NOW = datetime(2026, 12, 15, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
MEMBER_2, MEMBER_3, MEMBER_IDLE = "+84900000021", "+84900000022", "+84900000023"
SERVICES = ["vneid", "bank_app", "dichvucong", "zalo", "health_book"]


@dataclass
class History:
    world: object
    village_2: object
    team_2: object


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(frozen, app_context, as_phone):
    rng = random.Random(13)
    world = build_world()
    village_2 = make_unit(COMMUNE_A, "Thôn Thèn Pả", population=400)
    world.village_a.population = 250
    team_2 = make_team(village_2.code, "Tổ CNS Thèn Pả", (MEMBER_2, MEMBER_3, MEMBER_IDLE))
    db.session.execute(
        TeamMember.__table__.update().where(TeamMember.phone == MEMBER_2).values(display_name="Giàng Thị Mai")
    )
    for phone in (MEMBER_A, MEMBER_2, MEMBER_3, MEMBER_IDLE, LEADER_A, RESIDENT):
        scope_of(phone)
    db.session.commit()
    from server.signals import units_changed

    units_changed.send(__name__, paths=None)
    db.session.commit()
    residents = {
        v.code: [make_resident(v.code, ADMIN, name=f"Người {n}").id for n in range(8)]
        for v in (world.village_a, village_2)
    }
    who = {MEMBER_A: world.village_a, MEMBER_2: village_2, MEMBER_3: village_2}
    for phone, village in who.items():
        items = []
        for _ in range(70):
            outcome = rng.choice(["succeeded", "succeeded", "failed"])
            resident = rng.choice(residents[village.code]) if rng.random() < 0.85 else None
            when = NOW - timedelta(days=rng.uniform(0, 110), hours=rng.uniform(0, 23))
            item = activity_item(
                village.code, resident, service=rng.choice(SERVICES), outcome=outcome, occurred_at=when.isoformat()
            )
            if resident is None:
                item["people"] = rng.randint(2, 12)
            if outcome == "failed":
                item["blocker"] = rng.choice(["weak_signal", "no_smartphone"])
            items.append(item)
        # The edges of the month: 00:30 on 1 October in Vietnam is October; 23:30 on 30 September is not.
        items.append(
            activity_item(
                village.code, residents[village.code][0], outcome="succeeded", occurred_at="2026-10-01T00:30:00+07:00"
            )
        )
        items.append(
            activity_item(
                village.code, residents[village.code][1], outcome="succeeded", occurred_at="2026-09-30T23:30:00+07:00"
            )
        )
        # A correction: the last record did not in fact succeed.
        items.append(
            dict(items[-3], id=str(uuid.uuid4()), outcome="failed", blocker="weak_signal", supersedes=items[-3]["id"])
        )
        response = as_phone(phone).post("/activities/batch", json={"items": items})
        assert response.status_code == 200
        assert {r["status"] for r in response.get_json()["results"]} == {"created"}
    count_coverage()
    for score in (5, 4, 5):
        request = file_request(as_phone, world)
        for action in ("claim", "start", "resolve"):
            assert act(as_phone, MEMBER_A, request["id"], action).status_code == 200
        assert as_phone(RESIDENT).post(f"/help-requests/{request['id']}/rating", json={"score": score}).status_code in (
            200,
            201,
        )
    return History(world, village_2, team_2)
