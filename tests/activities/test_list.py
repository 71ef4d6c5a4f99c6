"""GET /activities: scoped, filtered, and synced by arrival with a cursor that never skips a record."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.activity_factories import activity_item
from tests.factories import COMMUNE_A, LEADER_A, MEMBER_A, MEMBER_B, MONITOR_A, MONITOR_B, RESIDENT, build_world


@pytest.fixture
def world(app_context, app, monkeypatch):
    monkeypatch.setitem(app.config, "ACTIVITY_SETTLE_SECONDS", 0)
    return build_world()


def send(api, items):
    assert api.post("/activities/batch", json={"items": items}).status_code == 200


def ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_each_caller_sees_their_area(as_phone, world):
    mine = [activity_item(world.village_a.code) for _ in range(2)]
    theirs = [activity_item(world.village_b.code)]
    send(as_phone(MEMBER_A), mine)
    send(as_phone(MEMBER_B), theirs)
    expected_a = sorted(i["id"] for i in mine)
    for phone in (MEMBER_A, LEADER_A, MONITOR_A):
        assert sorted(ids(as_phone(phone).get("/activities"))) == expected_a
    assert ids(as_phone(MONITOR_B).get("/activities")) == [theirs[0]["id"]]
    assert ids(as_phone(RESIDENT).get("/activities")) == []


def test_filters(as_phone, world):
    now = datetime.now(UTC)
    items = [
        activity_item(
            world.village_a.code,
            service="zalo",
            outcome="failed",
            blocker="weak_signal",
            occurred_at=(now - timedelta(days=40)).isoformat(),
        ),
        activity_item(world.village_a.code, service="vneid", action="verify_identity"),
    ]
    send(as_phone(MEMBER_A), items)
    send(as_phone(LEADER_A), [activity_item(world.village_a.code, service="bank_app")])
    api = as_phone(LEADER_A)
    assert ids(api.get("/activities", query_string={"service": "zalo"})) == [items[0]["id"]]
    assert ids(api.get("/activities", query_string={"outcome": "failed"})) == [items[0]["id"]]
    assert ids(api.get("/activities", query_string={"action": "verify_identity"})) == [items[1]["id"]]
    recent = api.get("/activities", query_string={"from": (now - timedelta(days=7)).isoformat(), "to": now.isoformat()})
    assert len(ids(recent)) == 2
    assert len(ids(as_phone(MEMBER_A).get("/activities", query_string={"member": "me"}))) == 2
    assert len(ids(api.get("/activities", query_string={"unit": COMMUNE_A}))) == 3
    assert ids(api.get("/activities", query_string={"unit": "00004"})) == []


def test_sync_by_arrival_with_a_resume_cursor(as_phone, world):
    api = as_phone(MEMBER_A)
    first = [activity_item(world.village_a.code) for _ in range(5)]
    send(api, first)
    seen, cursor = [], None
    while True:
        page = api.get("/activities", query_string={"limit": 2} | ({"cursor": cursor} if cursor else {})).get_json()
        seen += [i["id"] for i in page["items"]]
        cursor, resume = page["next_cursor"], page["resume_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(i["id"] for i in first)
    later = [activity_item(world.village_a.code) for _ in range(3)]
    send(api, later)
    assert sorted(ids(api.get("/activities", query_string={"cursor": resume}))) == sorted(i["id"] for i in later)
    since = datetime.now(UTC) - timedelta(minutes=5)
    assert len(ids(api.get("/activities", query_string={"since": since.isoformat()}))) == 8
    assert ids(api.get("/activities", query_string={"since": datetime.now(UTC).isoformat()})) == []


def test_records_still_settling_are_held_back(as_phone, world, app):
    app.config["ACTIVITY_SETTLE_SECONDS"] = 60
    send(as_phone(MEMBER_A), [activity_item(world.village_a.code)])
    page = as_phone(MEMBER_A).get("/activities").get_json()
    assert page["items"] == [] and page["resume_cursor"] is None


def test_a_bad_cursor_is_a_clear_error(as_phone, world):
    response = as_phone(MEMBER_A).get("/activities", query_string={"cursor": "bm9wZQ"})
    assert response.status_code == 422 and "cursor" in response.get_json()["errors"]


def test_single_record_endpoint(as_phone, world):
    api = as_phone(MEMBER_A, "en")
    item = activity_item(world.village_a.code)
    created = api.post("/activities", json=item)
    assert created.status_code == 201 and created.get_json()["unit"] == world.village_a.code
    assert api.post("/activities", json=item).status_code == 200
    conflict = api.post("/activities", json=item | {"minutes": 5})
    assert conflict.status_code == 409 and conflict.mimetype == "application/problem+json"
    assert api.post("/activities", json=activity_item(world.village_b.code)).status_code == 403
    invalid = api.post("/activities", json=activity_item(world.village_a.code, service="nope"))
    assert invalid.status_code == 422 and "service" in invalid.get_json()["errors"]


def test_a_date_means_that_day_in_vietnam(as_phone, world):
    """`from=2026-11-30` starts at 00:00 in Vietnam (17:00 UTC the day before); `to` takes the whole day."""
    at = {
        "29th 23:30": "2026-11-29T16:30:00+00:00",
        "30th 00:30": "2026-11-29T17:30:00+00:00",
        "30th 23:59": "2026-11-30T16:59:00+00:00",
        "1st 00:00": "2026-11-30T17:00:00+00:00",
    }
    with time_machine.travel(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), tick=True):
        items = {name: activity_item(world.village_a.code, occurred_at=moment) for name, moment in at.items()}
        send(as_phone(MEMBER_A), list(items.values()))
        api = as_phone(LEADER_A)

        def found(**query):
            return sorted(
                name for name, item in items.items() if item["id"] in ids(api.get("/activities", query_string=query))
            )

        assert found(**{"from": "2026-11-30"}) == ["1st 00:00", "30th 00:30", "30th 23:59"]
        assert found(**{"from": "2026-11-30", "to": "2026-11-30"}) == ["30th 00:30", "30th 23:59"]
        assert found(to="2026-11-29") == ["29th 23:30"]
        assert found(**{"from": "2026-11-30T00:00:00+07:00"}) == ["1st 00:00", "30th 00:30", "30th 23:59"]
        for bad in ("2026-02-30", "30/11/2026", "2026-11-30T10:00"):
            response = api.get("/activities", query_string={"from": bad})
            assert response.status_code == 422 and "from" in response.get_json()["errors"], bad
