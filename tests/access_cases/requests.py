"""Help requests, notifications and devices: a request filed by the resident in village A."""

import uuid

from sqlalchemy import select

from server.auth.emulator import uid_for_phone
from server.auth.scope import load_scope
from server.auth.users import user_from_claims
from server.extensions import db
from server.notifications.models import Device, Notification
from server.requests import services, transitions
from tests.access_cases import EMPTY, OK, PROVINCE_ONLY, Case, commune_elsewhere_in_province_a, everyone
from tests.factories import MEMBER_A, RESIDENT

SIGNED_IN = everyone(OK, anonymous=401)
# Visible to the requester and to area A's team, leader, monitor and the admin; not to area B.
VISIBLE = everyone(404, anonymous=401, resident=OK, member_a=OK, leader_a=OK, monitor_a=OK, admin=OK)
# Team work on a request assigned to member A: the assignee, the leader and the admin.
ASSIGNEE_WORK = everyone(403, anonymous=401, member_a=OK, leader_a=OK, admin=OK, member_b=404, leader_b=404)
REQUESTER_ONLY = everyone(403, anonymous=401, resident=OK, member_b=404, leader_b=404, monitor_b=404)
OWNER_OF_A = everyone(404, anonymous=401, member_a=OK)

STEPS = {
    "new": [],
    "assigned": ["claim"],
    "in_progress": ["claim", "start"],
    "waiting_on_resident": ["claim", "start", "wait"],
    "resolved": ["claim", "resolve"],
}


def _scope(phone):
    return load_scope(user_from_claims({"sub": uid_for_phone(phone), "phone_number": phone}))


def _request(world, status="new"):
    """A request of the resident in village A, worked by member A up to `status`."""
    member = _scope(MEMBER_A)
    request, _created = services.file_request(
        _scope(RESIDENT), uuid.uuid4(), world.village_a.code, "vneid", "Quên mật khẩu VNeID"
    )
    for action in STEPS[status]:
        transitions.apply_action(member, request.id, action)
    db.session.commit()
    return request


def _path(world, suffix="", status="new", body=None):
    return f"/help-requests/{_request(world, status).id}{suffix}", body


def _new_request_body(world):
    return "/help-requests", {
        "id": str(uuid.uuid4()),
        "unit": world.village_a.code,
        "service": "zalo",
        "description": "Cài Zalo để gọi video cho con",
    }


def _merge(world):
    target = _request(world)
    return f"/help-requests/{_request(world).id}/merge", {"into": str(target.id)}


def _assign(world):
    _scope(MEMBER_A)
    return _path(world, "/assign", body={"assignee": MEMBER_A})


def _dispatch(world):
    """An unrouted request (another commune of province A, no team) handed to team A."""
    from tests.factories import make_unit

    village = make_unit(commune_elsewhere_in_province_a().code, "Thôn chưa có tổ")
    request, _created = services.file_request(_scope(RESIDENT), uuid.uuid4(), village.code, "vneid", "Quên mật khẩu")
    db.session.commit()
    return f"/help-requests/{request.id}/dispatch", {"team": world.team_a.id}


def _notification(world):
    _scope(MEMBER_A)
    _request(world)
    return f"/notifications/{db.session.scalar(select(Notification.id))}/read", None


def _device(world):
    member = _scope(MEMBER_A)
    db.session.add(Device(user_id=member.user.id, token="fcm-token-of-member-a", platform="android"))
    db.session.commit()
    return "/devices/fcm-token-of-member-a", None


R = "/api/v1/help-requests/<uuid:request_id>"
CASES = [
    Case("POST", "/api/v1/help-requests", _new_request_body, SIGNED_IN),
    Case(
        "GET",
        "/api/v1/help-requests",
        lambda w: (_request(w) and "/help-requests", None),
        SIGNED_IN | {"member_b": EMPTY, "leader_b": EMPTY, "monitor_b": EMPTY},
    ),
    Case("GET", R, lambda w: _path(w), VISIBLE),
    Case(
        "POST",
        R + "/claim",
        lambda w: _path(w, "/claim", body={}),
        everyone(403, anonymous=401, member_a=OK, leader_a=OK, admin=OK, member_b=404, leader_b=404),
    ),
    Case("POST", R + "/assign", _assign, everyone(403, anonymous=401, leader_a=OK, admin=OK, leader_b=404)),
    # Dispatch: the area's monitors and admins hand a request no team serves to a team (the other
    # commune's leader does not see it).
    Case(
        "POST",
        R + "/dispatch",
        _dispatch,
        everyone(403, anonymous=401, monitor_a=OK, admin=OK, leader_a=404, leader_b=404, monitor_b=404),
        area=PROVINCE_ONLY,
    ),
    Case("POST", R + "/start", lambda w: _path(w, "/start", "assigned", {}), ASSIGNEE_WORK),
    Case("POST", R + "/wait", lambda w: _path(w, "/wait", "in_progress", {}), ASSIGNEE_WORK),
    Case("POST", R + "/resume", lambda w: _path(w, "/resume", "waiting_on_resident", {}), ASSIGNEE_WORK),
    Case("POST", R + "/resolve", lambda w: _path(w, "/resolve", "in_progress", {}), ASSIGNEE_WORK),
    Case("POST", R + "/close", lambda w: _path(w, "/close", "resolved", {}), VISIBLE | {"monitor_a": 403}),
    Case("POST", R + "/cancel", lambda w: _path(w, "/cancel", body={}), REQUESTER_ONLY),
    Case("POST", R + "/reopen", lambda w: _path(w, "/reopen", "resolved", {}), REQUESTER_ONLY),
    Case(
        "POST",
        R + "/merge",
        _merge,
        everyone(403, anonymous=401, member_a=OK, leader_a=OK, admin=OK, member_b=404, leader_b=404),
    ),
    Case(
        "POST",
        R + "/comments",
        lambda w: _path(w, "/comments", body={"body": "Chiều nay em qua nhé"}),
        VISIBLE | {"monitor_a": 403},
    ),
    Case("POST", R + "/rating", lambda w: _path(w, "/rating", "resolved", {"score": 5}), REQUESTER_ONLY),
    Case("GET", "/api/v1/notifications", lambda w: ("/notifications", None), SIGNED_IN),
    Case("POST", "/api/v1/notifications/<int:notification_id>/read", _notification, OWNER_OF_A),
    Case("POST", "/api/v1/notifications/read-all", lambda w: ("/notifications/read-all", None), SIGNED_IN),
    Case("POST", "/api/v1/devices", lambda w: ("/devices", {"token": "fcm-token-x", "platform": "android"}), SIGNED_IN),
    Case("DELETE", "/api/v1/devices/<string:token>", _device, OWNER_OF_A),
]
