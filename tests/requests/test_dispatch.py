"""A request from a village no team serves is unrouted: its commune's leaders and the area's
monitors and admins see it and hand it to a team (dispatch); the requester is told who follows up."""

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.notifications.models import Notification
from server.units.models import Unit
from tests.factories import (
    ADMIN,
    COMMUNE_A,
    LEADER_A,
    MEMBER_A,
    MONITOR_A,
    MONITOR_B,
    RESIDENT,
    build_world,
    grant,
    make_unit,
)
from tests.requests.helpers import act, file_request, sign_in


@pytest.fixture
def world(app_context):
    world = build_world()
    other_commune = db.session.scalar(
        select(Unit)
        .where(Unit.level == "commune", Unit.path.startswith("/VN/08/"), Unit.code != COMMUNE_A)
        .order_by(Unit.code)
    )
    world.far_commune = other_commune
    world.far_village = make_unit(other_commune.code, "Thôn Xa Xôi")
    db.session.commit()
    return world


def _notifications(phone):
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.phone == phone))
    return [
        (n.kind, n.title, n.body)
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]


def _kinds(phone):
    return [kind for kind, _title, _body in _notifications(phone)]


def _file_far(as_phone, world, lang=None):
    return file_request(as_phone, world, unit=world.far_village.code, lang=lang)


def test_a_request_goes_to_the_nearest_team_above_its_village(as_phone, world):
    inner = make_unit(world.village_a.code, "Xóm trong thôn", level="group")
    db.session.commit()
    body = file_request(as_phone, world, unit=inner.code)
    assert body["team"]["id"] == world.team_a.id and body["follow_up"] is None


def test_an_unrouted_request_says_honestly_who_follows_it_up(as_phone, world):
    sign_in(as_phone, RESIDENT, MONITOR_A, LEADER_A, MEMBER_A)
    body = _file_far(as_phone, world, lang="en")
    assert body["team"] is None and body["status"] == "new"
    assert body["follow_up"] == (
        f"No team serves {world.far_village.name} yet. "
        "The monitors of Tỉnh Tuyên Quang will pass your request to a team."
    )
    vietnamese = as_phone(RESIDENT).get(f"/help-requests/{body['id']}").get_json()["follow_up"]
    assert vietnamese.startswith(f"Chưa có tổ nào phục vụ {world.far_village.name}")
    # The requester hears it too, in their language; the province's monitor is asked to act.
    assert _kinds(RESIDENT) == ["request_unrouted"]
    assert _kinds(MONITOR_A) == ["request_unrouted_new"]
    assert _kinds(LEADER_A) == [] and _kinds(MEMBER_A) == []  # another commune's people


def test_the_communes_leader_is_named_first_when_there_is_one(as_phone, world):
    grant("+84900000077", "team_leader", world.far_commune.code)
    db.session.commit()
    body = _file_far(as_phone, world, lang="en")
    assert body["follow_up"].endswith(
        f"The team leaders of {world.far_commune.name}, the monitors of "
        "Tỉnh Tuyên Quang will pass your request to a team."
    )


def test_a_monitor_dispatches_an_unrouted_request_to_a_team_of_the_area(as_phone, world):
    sign_in(as_phone, RESIDENT, MONITOR_A, MEMBER_A)
    request_id = _file_far(as_phone, world)["id"]
    seen = as_phone(MONITOR_A).get(f"/help-requests/{request_id}").get_json()
    assert seen["allowed_actions"] == ["assign"]
    response = act(as_phone, MONITOR_A, request_id, "dispatch", team=world.team_a.id)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["team"]["id"] == world.team_a.id and body["status"] == "new" and body["follow_up"] is None
    assert [(e["action"], e["from"], e["to"]) for e in body["history"]][-1] == ("assign", "new", "new")
    assert _kinds(MEMBER_A) == ["request_new"]
    assert _kinds(RESIDENT)[-1] == "request_dispatched"
    # The team serves another commune, yet the request is now in its queue and its member takes it.
    queue = as_phone(MEMBER_A).get("/help-requests", query_string={"status": "new"}).get_json()["items"]
    assert [item["id"] for item in queue] == [request_id]
    claimed = act(as_phone, MEMBER_A, request_id, "claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"]["phone"] == MEMBER_A
    assert act(as_phone, MEMBER_A, request_id, "start").get_json()["status"] == "in_progress"
    assert _kinds(RESIDENT)[-2:] == ["request_taken", "request_started"]
    # Once a team has it, the monitor is read-only again.
    assert as_phone(MONITOR_A).get(f"/help-requests/{request_id}").get_json()["allowed_actions"] == []
    assert act(as_phone, MONITOR_A, request_id, "dispatch", team=world.team_a.id).status_code == 403


def test_dispatch_straight_to_a_member_of_the_team(as_phone, world):
    sign_in(as_phone, RESIDENT, MEMBER_A, "+84900000055")
    request_id = _file_far(as_phone, world)["id"]
    response = act(as_phone, ADMIN, request_id, "dispatch", team=world.team_a.id, assignee=MEMBER_A)
    assert response.status_code == 200
    assert response.get_json()["status"] == "assigned" and response.get_json()["assignee"]["phone"] == MEMBER_A
    assert _kinds(MEMBER_A) == ["request_assigned"]
    assert _kinds(RESIDENT)[-1] == "request_taken"


def test_dispatch_stays_within_the_dispatchers_area(as_phone, world):
    sign_in(as_phone, RESIDENT, "+84900000055")
    request_id = _file_far(as_phone, world)["id"]
    # A team of another province, an unknown team, a person not on the team, no one at all.
    for body, field in (
        ({"team": world.team_b.id}, "team"),
        ({"team": 999999}, "team"),
        ({"team": world.team_a.id, "assignee": "+84900000055"}, "assignee"),
        ({}, "team"),
    ):
        response = act(as_phone, MONITOR_A, request_id, "dispatch", lang="en", **body)
        assert response.status_code == 422 and field in response.get_json()["errors"], (body, response.get_json())
    # A monitor may not name a person without a team: only leaders assign people in their villages.
    response = act(as_phone, MONITOR_A, request_id, "dispatch", assignee="+84900000055")
    assert response.status_code == 422 and "team" in response.get_json()["errors"]
    assert act(as_phone, MONITOR_A, request_id, "assign", assignee="+84900000055").status_code == 403
    # Outside their area, dispatchers do not even see it; another commune's leader neither.
    assert act(as_phone, MONITOR_B, request_id, "dispatch", team=world.team_b.id).status_code == 404
    assert act(as_phone, LEADER_A, request_id, "dispatch", team=world.team_a.id).status_code == 404
    # A monitor does nothing else with it.
    for action in ("claim", "start", "resolve"):
        assert act(as_phone, MONITOR_A, request_id, action).status_code == 403, action


def test_gaps_list_unrouted_requests_and_units_without_a_team(as_phone, world):
    request_id = _file_far(as_phone, world)["id"]
    gaps = as_phone(MONITOR_A).get("/coverage/08/gaps").get_json()
    assert [r["id"] for r in gaps["unrouted_requests"]] == [request_id]
    without = {u["code"] for u in gaps["units_without_team"]}
    assert {world.far_commune.code, world.far_village.code} <= without
    assert COMMUNE_A not in without and world.village_a.code not in without
    served = make_unit(COMMUNE_A, "Thôn mới của Lũng Cú")  # the commune has no team of its own to serve it
    db.session.commit()
    without = {u["code"] for u in as_phone(MONITOR_A).get("/coverage/08/gaps").get_json()["units_without_team"]}
    assert served.code in without
    act(as_phone, MONITOR_A, request_id, "dispatch", team=world.team_a.id)
    assert as_phone(MONITOR_A).get("/coverage/08/gaps").get_json()["unrouted_requests"] == []


def test_a_requesters_reply_resumes_a_request_waiting_on_them(as_phone, world):
    sign_in(as_phone, MEMBER_A, RESIDENT)
    request_id = file_request(as_phone, world)["id"]
    for action in ("claim", "start", "wait"):
        assert act(as_phone, MEMBER_A, request_id, action).status_code == 200
    waiting = as_phone(RESIDENT).get(f"/help-requests/{request_id}").get_json()
    reply = as_phone(RESIDENT).post(f"/help-requests/{request_id}/comments", json={"body": "Tôi gửi ảnh rồi ạ"})
    assert reply.status_code == 201
    body = as_phone(RESIDENT).get(f"/help-requests/{request_id}").get_json()
    assert body["status"] == "in_progress" and body["version"] > waiting["version"]
    assert [(e["action"], e["to"]) for e in body["history"]][-1] == ("resume", "in_progress")
    assert body["history"][-1]["actor"]["phone"] == RESIDENT
    assert _kinds(MEMBER_A)[-1] == "request_reply"
    # An internal note or the team's own reply does not resume anything.
    assert act(as_phone, MEMBER_A, request_id, "wait").status_code == 200
    as_phone(MEMBER_A).post(f"/help-requests/{request_id}/comments", json={"body": "Chờ chị gửi ảnh"})
    assert as_phone(RESIDENT).get(f"/help-requests/{request_id}").get_json()["status"] == "waiting_on_resident"


def test_the_requester_is_told_in_their_own_language(as_phone, world):
    sign_in(as_phone, MEMBER_A, RESIDENT)
    db.session.scalar(select(User).where(User.phone == MEMBER_A)).display_name = "Lò Thị Hoa"
    db.session.commit()
    request_id = file_request(as_phone, world, lang="en")["id"]  # the language they asked in
    for action in ("claim", "start", "resolve"):
        assert act(as_phone, MEMBER_A, request_id, action).status_code == 200
    told = _notifications(RESIDENT)
    assert [kind for kind, _t, _b in told] == ["request_taken", "request_started", "request_resolved"]
    assert told[0][1].endswith("has been taken") and told[0][2] == "Lò Thị Hoa will help you with it."
    assert told[1][2] == "Lò Thị Hoa is working on it now."
    assert _notifications(MEMBER_A)[0][1].startswith("Yêu cầu hỗ trợ mới")  # the member reads Vietnamese


def test_an_overdue_unrouted_request_reaches_the_provinces_monitor(as_phone, world):
    from datetime import timedelta

    from server.requests.escalation import escalate_overdue
    from server.types import utcnow

    sign_in(as_phone, RESIDENT, MONITOR_A)
    _file_far(as_phone, world)
    assert [r.unit_id for r in escalate_overdue(utcnow() + timedelta(days=4))] == [world.far_village.id]
    db.session.commit()
    assert _kinds(MONITOR_A) == ["request_unrouted_new", "request_overdue"]
