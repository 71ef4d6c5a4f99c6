"""POST /activities/batch: every record answered for itself, each stored exactly once."""

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from server.activities.models import Activity
from server.extensions import db
from tests.activity_factories import activity_item, make_resident
from tests.factories import MEMBER_A, MONITOR_A, RESIDENT, build_world


@pytest.fixture
def world(app_context):
    return build_world()


def stored_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Activity))


def post_batch(api, items):
    response = api.post("/activities/batch", json={"items": items})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_batch_is_stored_and_answered_item_by_item(as_phone, world):
    resident = make_resident(world.village_a.code, MEMBER_A)
    items = [
        activity_item(world.village_a.code, resident.id),
        activity_item(world.village_a.code, people=12, action="digital_skills_lesson", service="digital_skills"),
    ]
    body = post_batch(as_phone(MEMBER_A), items)
    assert [r["status"] for r in body["results"]] == ["created", "created"]
    assert [r["id"] for r in body["results"]] == [i["id"] for i in items]
    assert body["created"] == 2 and stored_count() == 2
    stored = db.session.get(Activity, uuid.UUID(items[0]["id"]))
    assert stored.resident_id == resident.id and stored.unit_path == world.village_a.path
    assert stored.member_id is not None and stored.received_at is not None


def test_the_same_batch_sent_again_is_all_duplicates_and_changes_nothing(as_phone, world):
    api = as_phone(MEMBER_A)
    items = [activity_item(world.village_a.code) for _ in range(5)]
    post_batch(api, items)
    before = {a.id: a.received_at for a in db.session.scalars(select(Activity))}
    again = post_batch(api, items)
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 5
    assert {a.id: a.received_at for a in db.session.scalars(select(Activity))} == before


def test_same_record_in_another_time_zone_or_key_order_is_a_duplicate(as_phone, world):
    api = as_phone(MEMBER_A)
    local = (datetime.now(UTC) - timedelta(days=2)).astimezone(timezone(timedelta(hours=7))).replace(microsecond=0)
    item = activity_item(world.village_a.code, occurred_at=local.isoformat())
    assert item["occurred_at"].endswith("+07:00")
    post_batch(api, [item])
    reordered = dict(reversed(list(item.items())), occurred_at=local.astimezone(UTC).isoformat().replace("+00:00", "Z"))
    assert post_batch(api, [reordered])["results"][0]["status"] == "duplicate"
    a_minute_later = item | {"occurred_at": (local + timedelta(minutes=1)).isoformat()}
    assert post_batch(api, [a_minute_later])["results"][0]["reason"] == "conflict"


def test_same_id_with_different_content_is_a_conflict_that_says_so(as_phone, world):
    api = as_phone(MEMBER_A, "en")
    item = activity_item(world.village_a.code)
    post_batch(api, [item])
    changed = item | {"outcome": "failed", "blocker": "weak_signal"}
    result = post_batch(api, [changed])["results"][0]
    assert result["status"] == "rejected" and result["reason"] == "conflict"
    assert "already stored" in result["errors"]["id"][0]
    assert db.session.get(Activity, uuid.UUID(item["id"])).outcome == "succeeded"


def test_a_bad_item_does_not_cost_the_good_ones(as_phone, world):
    good = [activity_item(world.village_a.code) for _ in range(3)]
    bad = [
        "not an object",
        activity_item(world.village_a.code, service="tiktok"),
        activity_item(world.village_a.code, action="fly"),
        activity_item(world.village_a.code, outcome="failed"),  # no blocker
        activity_item(world.village_a.code, blocker="weak_signal"),  # succeeded with a blocker
        activity_item(world.village_a.code, occurred_at=(datetime.now(UTC) + timedelta(days=1)).isoformat()),
        activity_item(world.village_a.code, occurred_at="2026-11-20T09:30:00"),  # no offset
        activity_item(world.village_a.code, id="not-a-uuid"),
        activity_item(world.village_a.code, minutes="twenty"),
        activity_item(world.village_a.code, people=True),
        activity_item(world.village_a.code, cccd="001234567890"),
        activity_item(world.village_b.code),  # outside the member's area
        activity_item(world.village_a.code, unit="no-such-unit"),
    ]
    items = bad[:6] + good + bad[6:]
    random.Random(5).shuffle(items)
    body = post_batch(as_phone(MEMBER_A, "en"), items)
    by_position = dict(zip(map(id, items), body["results"], strict=True))
    assert [by_position[id(i)]["status"] for i in good] == ["created"] * 3
    rejected = [by_position[id(i)] for i in bad]
    assert all(r["status"] == "rejected" and r["errors"] for r in rejected)
    assert rejected[0]["errors"] == {"_item": ["Each item must be an object."]} and rejected[0]["id"] is None
    assert "service" in rejected[1]["errors"] and "action" in rejected[2]["errors"]
    assert "blocker" in rejected[3]["errors"] and "blocker" in rejected[4]["errors"]
    assert "future" in rejected[5]["errors"]["occurred_at"][0]
    assert "offset" in rejected[6]["errors"]["occurred_at"][0]
    assert rejected[7]["errors"] == {"id": ["Not a valid UUID."]}
    assert "minutes" in rejected[8]["errors"] and "people" in rejected[9]["errors"]
    assert rejected[10]["errors"]["cccd"] == ["ToSo never stores citizen ID numbers."]
    assert rejected[11]["reason"] == "outside_area"
    assert rejected[12]["reason"] == "invalid" and "unit" in rejected[12]["errors"]
    assert [items.index(i) for i in bad] == [r["index"] for r in rejected]
    assert body["created"] == 3 and body["rejected"] == len(bad) and stored_count() == 3


def test_unknown_resident_is_rejected_with_the_fix(as_phone, world):
    item = activity_item(world.village_a.code, uuid.uuid4())
    result = post_batch(as_phone(MEMBER_A, "en"), [item])["results"][0]
    assert result["reason"] == "unknown_resident"
    assert "send the resident (POST /residents) first" in result["errors"]["resident"][0]


def test_rejections_are_explained_in_vietnamese_by_default(as_phone, world):
    item = activity_item(world.village_a.code, uuid.uuid4())
    result = post_batch(as_phone(MEMBER_A), [item])["results"][0]
    assert result["errors"]["resident"] == [
        "ToSo chưa có thông tin người dân này: hãy gửi người dân trước (POST /residents), rồi gửi lại bản ghi này."
    ]


def test_a_resident_of_another_area_is_unknown_to_the_member(as_phone, world):
    from tests.factories import MEMBER_B

    resident_b = make_resident(world.village_b.code, MEMBER_B)
    result = post_batch(as_phone(MEMBER_A), [activity_item(world.village_a.code, resident_b.id)])["results"][0]
    assert result["reason"] == "unknown_resident"


def test_resident_and_people_are_exclusive(as_phone, world):
    resident = make_resident(world.village_a.code, MEMBER_A)
    both = activity_item(world.village_a.code, resident.id, people=3)
    neither = activity_item(world.village_a.code)
    del neither["people"]
    results = post_batch(as_phone(MEMBER_A), [both, neither])["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]


def test_citizen_ids_in_notes_are_masked(as_phone, world):
    item = activity_item(world.village_a.code, note="Bà Hoa, CCCD 001 234 567 890, cài VNeID xong, trả 150.000.000đ")
    post_batch(as_phone(MEMBER_A), [item])
    note = db.session.get(Activity, uuid.UUID(item["id"])).note
    assert "567" not in note and "*** *** *** ***" in note and "150.000.000" in note


def test_a_correction_supersedes_an_earlier_record(as_phone, world):
    api = as_phone(MEMBER_A)
    original = activity_item(world.village_a.code)
    correction = activity_item(world.village_a.code, outcome="partial", supersedes=original["id"])
    body = post_batch(api, [correction, original])  # the correction may arrive first
    assert [r["status"] for r in body["results"]] == ["created", "created"]
    assert db.session.get(Activity, uuid.UUID(correction["id"])).supersedes_id == uuid.UUID(original["id"])
    self_reference = activity_item(world.village_a.code)
    self_reference["supersedes"] = self_reference["id"]
    assert post_batch(api, [self_reference])["results"][0]["status"] == "rejected"


def test_the_same_id_twice_in_one_batch(as_phone, world):
    item = activity_item(world.village_a.code)
    other = item | {"minutes": 45}
    results = post_batch(as_phone(MEMBER_A), [item, item, other])["results"]
    assert [r["status"] for r in results] == ["created", "duplicate", "rejected"]
    assert results[2]["reason"] == "conflict" and stored_count() == 1


@pytest.mark.parametrize("body", [{"items": []}, {"items": [{}] * 501}, {"items": "x"}, {"nope": []}, [1, 2], {}])
def test_a_body_that_is_not_a_batch_is_refused_whole(as_phone, world, body):
    response = as_phone(MEMBER_A).post("/activities/batch", json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert stored_count() == 0


def test_non_json_is_a_clear_400(as_phone, world):
    response = as_phone(MEMBER_A).post("/activities/batch", data="{items: oops", content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("phone", [RESIDENT, MONITOR_A])
def test_only_team_workers_record(as_phone, world, phone):
    response = as_phone(phone).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
    assert response.status_code == 403 and stored_count() == 0


def test_500_records_take_a_fixed_number_of_queries(as_phone, world, app):
    """No per-item queries: the cost of a batch does not grow with its size."""
    from sqlalchemy import event

    residents = [make_resident(world.village_a.code, MEMBER_A, name=f"Người {n}") for n in range(20)]
    api = as_phone(MEMBER_A)

    def queries_for(count):
        items = [activity_item(world.village_a.code, residents[n % 20].id) for n in range(count)]
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            post_batch(api, items)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    # Bulk statements may be sent in a few pages (the coverage marks of 500 records are thousands
    # of rows), but nothing is sent per record.
    assert queries_for(500) <= queries_for(5) + 8


def test_the_documented_limits_are_the_enforced_ones(as_phone, world, app):
    """The OpenAPI document promises the limits the ingest applies: the largest value documented is
    stored, one more is rejected."""
    with app.test_client() as client:
        documented = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["ActivityInput"]
    limits = {
        "people": documented["properties"]["people"]["maximum"],
        "minutes": documented["properties"]["minutes"]["maximum"],
    }
    note_max = documented["properties"]["note"]["maxLength"]
    village = world.village_a.code
    at_limit = [
        activity_item(
            village,
            people=limits["people"],
            action="digital_skills_lesson",
            service="digital_skills",
            minutes=limits["minutes"],
            note="x" * note_max,
        )
    ]
    over = [
        activity_item(village, people=limits["people"] + 1, action="digital_skills_lesson", service="digital_skills"),
        activity_item(
            village, people=1, minutes=limits["minutes"] + 1, action="digital_skills_lesson", service="digital_skills"
        ),
        activity_item(
            village, people=1, note="x" * (note_max + 1), action="digital_skills_lesson", service="digital_skills"
        ),
    ]
    body = post_batch(as_phone(MEMBER_A), at_limit + over)
    assert [r["status"] for r in body["results"]] == ["created", "rejected", "rejected", "rejected"]
    assert [list(r["errors"]) for r in body["results"][1:]] == [["people"], ["minutes"], ["note"]]


def test_items_refused_after_the_unit_check_are_never_stored_beside_the_accepted_ones(as_phone, world):
    """A batch mixing every answer: items refused for what they name (resident, help request, corrected
    record) travel with the others as far as the database, and only the accepted ones are stored."""
    from tests.factories import MEMBER_B

    api = as_phone(MEMBER_A)
    resident = make_resident(world.village_a.code, MEMBER_A)
    resident_b = make_resident(world.village_b.code, MEMBER_B)
    record_b = activity_item(world.village_b.code)
    assert post_batch(as_phone(MEMBER_B), [record_b])["results"][0]["status"] == "created"
    stored, conflicting = activity_item(world.village_a.code), activity_item(world.village_a.code)
    post_batch(api, [stored, conflicting])
    new = [activity_item(world.village_a.code, resident.id) for _ in range(3)]
    refused = {
        "unknown_resident": activity_item(world.village_a.code, uuid.uuid4()),
        "resident of area B": activity_item(world.village_a.code, resident_b.id),
        "unknown_request": activity_item(world.village_a.code, request=str(uuid.uuid4())),
        "correction of area B": activity_item(world.village_a.code, supersedes=record_b["id"]),
    }
    expected = {
        **{item["id"]: ("created", None) for item in new},
        stored["id"]: ("duplicate", None),
        conflicting["id"]: ("rejected", "conflict"),
        refused["unknown_resident"]["id"]: ("rejected", "unknown_resident"),
        refused["resident of area B"]["id"]: ("rejected", "unknown_resident"),
        refused["unknown_request"]["id"]: ("rejected", "unknown_request"),
        refused["correction of area B"]["id"]: ("rejected", "outside_area"),
    }
    items = [*new, stored, conflicting | {"minutes": 59}, *refused.values()]
    random.Random(16).shuffle(items)
    body = post_batch(api, items)
    assert {r["id"]: (r["status"], r.get("reason")) for r in body["results"]} == expected
    assert [r["id"] for r in body["results"]] == [i["id"] for i in items]
    stored_ids = {str(record_id) for record_id in db.session.scalars(select(Activity.id))}
    assert stored_ids == {record_b["id"], stored["id"], conflicting["id"], *(i["id"] for i in new)}
    # Sent again in another order: the new ones are duplicates now, every refusal stays as it was.
    again = post_batch(api, items[::-1])
    expected |= {item["id"]: ("duplicate", None) for item in new}
    assert {r["id"]: (r["status"], r.get("reason")) for r in again["results"]} == expected
    assert stored_count() == 6
