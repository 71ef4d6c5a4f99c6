from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.notifications.models import Device
from tests.factories import MEMBER_A, RESIDENT, build_world
from tests.requests.helpers import act, file_request, sign_in


def test_the_inbox_lists_and_marks_read(as_phone, app_context):
    world = build_world()
    sign_in(as_phone, MEMBER_A, RESIDENT)
    first = file_request(as_phone, world)
    file_request(as_phone, world, service="zalo")
    api = as_phone(MEMBER_A)
    items = api.get("/notifications").get_json()["items"]
    assert [n["kind"] for n in items] == ["request_new", "request_new"]
    assert items[0]["request"] == first["id"] and items[0]["read"] is False
    assert api.post(f"/notifications/{items[0]['id']}/read").get_json()["read"] is True
    assert [n["id"] for n in api.get("/notifications?unread=true").get_json()["items"]] == [items[1]["id"]]
    assert api.post("/notifications/read-all").get_json() == {"updated": 1}
    assert api.get("/notifications?unread=true").get_json()["items"] == []
    # someone else's notification does not exist for you
    assert as_phone(RESIDENT).post(f"/notifications/{items[0]['id']}/read").status_code == 404


def test_the_actor_is_not_notified_of_their_own_change(as_phone, app_context):
    world = build_world()
    sign_in(as_phone, MEMBER_A, RESIDENT)
    request_id = file_request(as_phone, world, phone=MEMBER_A, on_behalf_of={"name": "Bà Mỷ"})["id"]
    act(as_phone, MEMBER_A, request_id, "claim")
    act(as_phone, MEMBER_A, request_id, "resolve")
    assert as_phone(MEMBER_A).get("/notifications").get_json()["items"] == []


def test_devices_register_idempotently_and_move_with_the_token(as_phone, app_context):
    build_world()
    body = {"token": "fcm-token-1", "platform": "android"}
    assert as_phone(MEMBER_A).post("/devices", json=body).status_code == 201
    assert as_phone(MEMBER_A).post("/devices", json=body).status_code == 201
    assert as_phone(RESIDENT, "en").post("/devices", json=body).status_code == 201  # the phone changed hands
    db.session.rollback()
    owners = db.session.scalars(select(User.phone).join(Device, Device.user_id == User.id)).all()
    assert owners == [RESIDENT]
    assert db.session.scalar(select(User.locale).where(User.phone == RESIDENT)) == "en"
    assert as_phone(MEMBER_A).delete("/devices/fcm-token-1").status_code == 404
    assert as_phone(RESIDENT).delete("/devices/fcm-token-1").status_code == 204
    bad = as_phone(RESIDENT).post("/devices", json={"token": "", "platform": "symbian"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"token", "platform"}
