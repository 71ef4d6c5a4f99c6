"""Personal data never crosses areas through the export, and erasure clears what the export calls theirs.

Erasure is checked by reading the database rows afterwards (run on SQLite and PostgreSQL)."""

import uuid

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.notifications.models import Device, Notification
from server.requests.models import Comment, HelpRequest, Rating, RequestEvent
from tests.activity_factories import activity_item, make_resident
from tests.factories import LEADER_A, MEMBER_A, MEMBER_B, build_world

VILLAGER = "+84912345678"  # lives in area B; files requests there


@pytest.fixture
def world(app_context):
    return build_world()


def _file(as_phone, phone, unit, description, **extra):
    response = as_phone(phone).post(
        "/help-requests",
        json={"id": str(uuid.uuid4()), "unit": unit, "service": "vneid", "description": description, **extra},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_record_may_answer_only_a_request_the_member_can_see(as_phone, world):
    theirs = _file(as_phone, VILLAGER, world.village_b.code, "Bà ở Hà Nội quên mật khẩu")
    ours = _file(as_phone, MEMBER_A, world.village_a.code, "Cài VNeID cho bà Hoa")
    stranger = activity_item(world.village_a.code, request=theirs["id"])
    unknown = activity_item(world.village_a.code, request=str(uuid.uuid4()))
    fine = activity_item(world.village_a.code, request=ours["id"])
    results = as_phone(MEMBER_A).post("/activities/batch", json={"items": [stranger, unknown, fine]}).get_json()
    assert [(r["status"], r.get("reason")) for r in results["results"]] == [
        ("rejected", "unknown_request"),
        ("rejected", "unknown_request"),
        ("created", None),
    ]
    assert "request" in results["results"][0]["errors"]
    single = as_phone(MEMBER_A).post("/activities", json=activity_item(world.village_a.code, request=theirs["id"]))
    assert single.status_code == 422 and single.mimetype == "application/problem+json"


def test_a_strangers_phone_number_does_not_open_their_requests(as_phone, world):
    _file(as_phone, VILLAGER, world.village_b.code, "Bà ở Hà Nội quên mật khẩu")
    # A member of area A registers a resident of their village with the villager's phone number.
    resident = make_resident(world.village_a.code, MEMBER_A, phone="0912345678")
    export = as_phone(MEMBER_A).get(f"/residents/{resident.id}/export")
    assert export.status_code == 200 and export.get_json()["help_requests"] == []
    # The villager themselves, signed in with that number, gets everything filed from it.
    own = as_phone(VILLAGER).get(f"/residents/{resident.id}/export").get_json()
    assert [r["description"] for r in own["help_requests"]] == ["Bà ở Hà Nội quên mật khẩu"]


def test_the_export_is_described_field_by_field_in_openapi(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    export = schemas["Export"]["properties"]
    assert export["help_requests"]["items"]["$ref"].endswith("/ExportRequest")
    assert {"description", "reference", "status"} <= set(schemas["ExportRequest"]["properties"])
    resident = export["resident"].get("allOf", [export["resident"]])[0]
    assert resident["$ref"].endswith("/ExportProfile")


def _requests_of_the_villager(as_phone, world):
    """The villager (phone in area A) files a request, comments on it, is answered and rates it."""
    filed = _file(
        as_phone,
        VILLAGER,
        world.village_a.code,
        "Con gái tôi tên Lò Thị Mai sẽ gọi lại",
        preferred_contact="Gọi sau 5 giờ chiều, số của con gái 0987 111 222",
    )
    as_phone(VILLAGER).post(f"/help-requests/{filed['id']}/comments", json={"body": "Tôi ở nhà cả ngày mai"})
    as_phone(MEMBER_A).post(f"/help-requests/{filed['id']}/comments", json={"body": "Chiều mai em qua"})
    as_phone(MEMBER_A).post(f"/help-requests/{filed['id']}/claim", json={})
    as_phone(MEMBER_A).post(f"/help-requests/{filed['id']}/resolve", json={})
    rated = as_phone(VILLAGER).post(
        f"/help-requests/{filed['id']}/rating", json={"score": 5, "comment": "Cháu Mai rất vui"}
    )
    assert rated.status_code in (200, 201), rated.get_json()
    as_phone(VILLAGER).post("/devices", json={"token": "fcm-token-of-the-villager", "platform": "android"})
    elsewhere = _file(as_phone, VILLAGER, world.village_b.code, "Nhà chị gái ở Hà Nội")
    return uuid.UUID(filed["id"]), uuid.UUID(elsewhere["id"])


def _rows(request_id):
    db.session.rollback()
    request = db.session.get(HelpRequest, request_id)
    comments = {c.body for c in db.session.scalars(select(Comment).where(Comment.request_id == request_id))}
    rating = db.session.get(Rating, request_id)
    notes = [e.note for e in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id))]
    notifications = db.session.scalars(select(Notification).where(Notification.request_id == request_id)).all()
    return request, comments, rating, notes, notifications


def _user(phone):
    return db.session.scalar(select(User).where(User.phone == phone))


@pytest.mark.parametrize("who", ["resident", "member"])
def test_erasure_clears_requests_notifications_and_devices(as_phone, world, who):
    request_id, elsewhere_id = _requests_of_the_villager(as_phone, world)
    resident = make_resident(world.village_a.code, MEMBER_A, phone="0912345678")
    assert _rows(request_id)[4], "the team was notified (the notification quotes the request)"
    if who == "resident":
        assert as_phone(VILLAGER).post(f"/residents/{resident.id}/withdraw-consent").status_code == 200
    else:
        assert as_phone(MEMBER_A).delete(f"/residents/{resident.id}").status_code == 204
    request, comments, rating, notes, notifications = _rows(request_id)
    assert (request.description, request.preferred_contact, request.on_behalf_name) == ("", None, None)
    assert "Tôi ở nhà cả ngày mai" not in comments and "Chiều mai em qua" in comments  # the team's own words stay
    assert rating.comment is None and rating.score == 5
    assert "5/5" not in notes
    assert notifications == []
    # The anonymous facts coverage counts stay.
    assert (request.unit_id, request.service, request.status) == (world.village_a.id, "vneid", "resolved")
    assert request.resolved_at is not None
    villager = _user(VILLAGER)
    other = db.session.get(HelpRequest, elsewhere_id)
    if who == "resident":
        # The villager's own erasure reaches everything filed from their phone, their inbox and devices.
        assert other.description == ""
        assert db.session.scalars(select(Notification).where(Notification.user_id == villager.id)).all() == []
        assert db.session.scalars(select(Device).where(Device.user_id == villager.id)).all() == []
    else:
        # A member reaches only what they may read: a request filed in another province is not theirs to wipe.
        assert other.description == "Nhà chị gái ở Hà Nội"
        assert db.session.scalars(select(Device).where(Device.user_id == villager.id)).all() == []


def test_a_members_erasure_never_wipes_a_colleagues_devices(as_phone, world):
    as_phone(MEMBER_B).post("/devices", json={"token": "fcm-token-of-member-b", "platform": "android"})
    resident = make_resident(world.village_a.code, MEMBER_A, phone=MEMBER_B)
    assert as_phone(LEADER_A).delete(f"/residents/{resident.id}").status_code == 204
    db.session.rollback()
    assert db.session.scalars(select(Device.token).where(Device.user_id == _user(MEMBER_B).id)).all() == [
        "fcm-token-of-member-b"
    ]
