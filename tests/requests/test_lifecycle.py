import uuid
from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.notifications.models import Notification
from server.requests.models import HelpRequest, RequestEvent
from tests.factories import LEADER_A, MEMBER_A, MEMBER_B, MONITOR_A, RESIDENT, build_world, make_team
from tests.requests.helpers import act, file_request, sign_in


def _kinds(phone):
    db.session.rollback()
    from server.auth.models import User

    user = db.session.scalar(select(User).where(User.phone == phone))
    return [
        n.kind
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]


def test_the_whole_lifecycle(as_phone, app_context):
    world = build_world()
    sign_in(as_phone, MEMBER_A, RESIDENT)
    request_id = file_request(as_phone, world)["id"]
    assert _kinds(MEMBER_A) == ["request_new"]
    steps = [
        (MEMBER_A, "claim", "assigned"),
        (MEMBER_A, "start", "in_progress"),
        (MEMBER_A, "wait", "waiting_on_resident"),
        (MEMBER_A, "resume", "in_progress"),
        (MEMBER_A, "resolve", "resolved"),
        (RESIDENT, "close", "closed"),
    ]
    for phone, action, status in steps:
        response = act(as_phone, phone, request_id, action, note=f"bước {action}")
        assert response.status_code == 200, (action, response.get_json())
        assert response.get_json()["status"] == status
    rating = as_phone(RESIDENT).post(f"/help-requests/{request_id}/rating", json={"score": 5, "comment": "Cảm ơn em"})
    assert rating.status_code == 201 and rating.get_json()["on_behalf"] is False
    body = as_phone(RESIDENT).get(f"/help-requests/{request_id}").get_json()
    assert [(e["action"], e["from"], e["to"]) for e in body["history"]] == [
        ("file", None, "new"),
        ("claim", "new", "assigned"),
        ("start", "assigned", "in_progress"),
        ("wait", "in_progress", "waiting_on_resident"),
        ("resume", "waiting_on_resident", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("close", "resolved", "closed"),
        ("rate", "closed", "closed"),
    ]
    assert body["history"][1]["actor"]["phone"] == MEMBER_A and body["history"][1]["note"] == "bước claim"
    assert body["rating"]["score"] == 5
    assert body["assignee"]["phone"] == MEMBER_A
    # The requester hears when it is taken, started and resolved (not of the team's own steps).
    assert _kinds(RESIDENT) == ["request_taken", "request_started", "request_resolved"]


def test_history_cannot_be_rewritten(app_context, as_phone):
    world = build_world()
    file_request(as_phone, world)
    event = db.session.scalar(select(RequestEvent))
    event.note = "sửa lịch sử"
    try:
        db.session.flush()
        raised = False
    except ValueError:
        raised = True
    db.session.rollback()
    assert raised


def test_an_action_from_the_wrong_state_says_what_is_allowed(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world)["id"]
    response = act(as_phone, MEMBER_A, request_id, "resolve", lang="en")
    assert response.status_code == 403  # not assigned to them yet
    response = act(as_phone, MEMBER_A, request_id, "close", lang="en")
    assert response.status_code == 409
    assert response.get_json()["detail"] == "You cannot close this request while it is new. Allowed now: claim, merge."
    assert act(as_phone, MEMBER_A, request_id, "claim").status_code == 200
    assert act(as_phone, MEMBER_A, request_id, "claim").status_code == 409


def test_only_the_requester_cancels_and_only_before_resolution(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world)["id"]
    assert act(as_phone, MEMBER_A, request_id, "cancel").status_code == 403
    assert act(as_phone, RESIDENT, request_id, "cancel").get_json()["status"] == "cancelled"
    assert act(as_phone, RESIDENT, request_id, "cancel").status_code == 409
    resolved = file_request(as_phone, world, service="zalo")["id"]
    act(as_phone, MEMBER_A, resolved, "claim")
    act(as_phone, MEMBER_A, resolved, "resolve")
    assert act(as_phone, RESIDENT, resolved, "cancel").status_code == 409


def test_reopen_within_seven_days_of_resolution(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world)["id"]
    act(as_phone, MEMBER_A, request_id, "claim")
    act(as_phone, MEMBER_A, request_id, "resolve")
    assert act(as_phone, MEMBER_A, request_id, "reopen").status_code == 403
    reopened = act(as_phone, RESIDENT, request_id, "reopen", note="Vẫn không đăng nhập được")
    assert reopened.get_json()["status"] == "assigned" and reopened.get_json()["resolved_at"] is None
    act(as_phone, MEMBER_A, request_id, "resolve")
    db.session.rollback()
    stored = db.session.get(HelpRequest, uuid.UUID(request_id))
    stored.resolved_at -= timedelta(days=8)
    db.session.commit()
    late = act(as_phone, RESIDENT, request_id, "reopen")
    assert late.status_code == 409
    assert late.get_json()["detail"] == "Chỉ mở lại được yêu cầu trong vòng 7 ngày kể từ khi được giải quyết."


def test_the_leader_assigns_and_reassigns(as_phone, app_context):
    world = build_world()
    other = "+84900000005"
    db.session.add(world.team_a)
    make_team(world.village_a.code, "Tổ CNS 2", (other,))
    db.session.commit()
    sign_in(as_phone, MEMBER_A, other, MEMBER_B)
    request_id = file_request(as_phone, world)["id"]
    assert act(as_phone, MEMBER_A, request_id, "assign", assignee=MEMBER_A).status_code == 403
    assigned = act(as_phone, LEADER_A, request_id, "assign", assignee=MEMBER_A)
    assert assigned.status_code == 200 and assigned.get_json()["assignee"]["phone"] == MEMBER_A
    assert _kinds(MEMBER_A) == ["request_new", "request_assigned"]
    moved = act(as_phone, LEADER_A, request_id, "assign", assignee=other).get_json()
    assert moved["assignee"]["phone"] == other and moved["team"]["name"] == "Tổ CNS 2"
    outsider = act(as_phone, LEADER_A, request_id, "assign", assignee=MEMBER_B)
    assert outsider.status_code == 422 and "assignee" in outsider.get_json()["errors"]
    never_signed_in = act(as_phone, LEADER_A, request_id, "assign", assignee="+84900000077")
    assert never_signed_in.status_code == 422


def test_merging_a_duplicate(as_phone, app_context):
    world = build_world()
    sign_in(as_phone, RESIDENT)
    first = file_request(as_phone, world)["id"]
    second = file_request(as_phone, world)["id"]
    merged = act(as_phone, MEMBER_A, second, "merge", into=first)
    assert merged.status_code == 200
    assert merged.get_json()["status"] == "merged" and merged.get_json()["merged_into"] == first
    assert act(as_phone, MEMBER_A, first, "merge", into=first).status_code == 422
    assert "request_merged" in _kinds(RESIDENT)


def test_etag_and_if_match(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world)["id"]
    api = as_phone(MEMBER_A)
    read = api.get(f"/help-requests/{request_id}")
    etag = read.headers["ETag"]
    assert api.get(f"/help-requests/{request_id}", headers={"If-None-Match": etag}).status_code == 304
    assert act(as_phone, MEMBER_A, request_id, "claim", headers={"If-Match": etag}).status_code == 200
    stale = act(as_phone, MEMBER_A, request_id, "start", headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert act(as_phone, MEMBER_A, request_id, "start", version=1).status_code == 412
    assert act(as_phone, MEMBER_A, request_id, "start", headers={"If-Match": '"nonsense"'}).status_code == 412
    fresh = api.get(f"/help-requests/{request_id}")
    assert fresh.headers["ETag"] != etag
    assert act(as_phone, MEMBER_A, request_id, "start", headers={"If-Match": fresh.headers["ETag"]}).status_code == 200


def test_ratings(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world)["id"]
    rate = lambda phone, **body: as_phone(phone).post(f"/help-requests/{request_id}/rating", json=body)  # noqa: E731
    assert rate(RESIDENT, score=5).status_code == 409  # not resolved yet
    act(as_phone, MEMBER_A, request_id, "claim")
    act(as_phone, MEMBER_A, request_id, "resolve")
    assert rate(RESIDENT, score=0).status_code == 422
    assert rate(RESIDENT, score=6).status_code == 422
    assert rate(MEMBER_A, score=5).status_code == 403
    assert rate(RESIDENT, score=4, comment="Nhanh, nhiệt tình").status_code == 201
    second = rate(RESIDENT, score=1)
    assert second.status_code == 409 and second.mimetype == "application/problem+json"
    assert as_phone(RESIDENT).get(f"/help-requests/{request_id}").get_json()["rating"]["score"] == 4


def test_a_member_rates_for_a_resident_without_a_phone(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world, phone=MEMBER_A, on_behalf_of={"name": "Giàng Thị Mỷ"})["id"]
    act(as_phone, MEMBER_A, request_id, "claim")
    act(as_phone, MEMBER_A, request_id, "resolve")
    rating = as_phone(MEMBER_A).post(f"/help-requests/{request_id}/rating", json={"score": 5})
    assert rating.status_code == 201 and rating.get_json()["on_behalf"] is True


def test_comments_public_and_internal(as_phone, app_context):
    world = build_world()
    sign_in(as_phone, RESIDENT, MEMBER_A)
    request_id = file_request(as_phone, world)["id"]
    post = lambda phone, **body: as_phone(phone).post(f"/help-requests/{request_id}/comments", json=body)  # noqa
    reply = post(MEMBER_A, body="Chiều nay em qua nhà bác nhé, nhớ mang CCCD 001203004567.")
    assert reply.status_code == 201 and "001203004567" not in reply.get_json()["body"]
    assert post(MEMBER_A, body="Bác này hay quên mật khẩu", internal=True).status_code == 201
    assert post(RESIDENT, body="Tôi muốn ghi chú nội bộ", internal=True).status_code == 403
    assert post(RESIDENT, body="Cảm ơn em").status_code == 201
    assert post(MONITOR_A, body="Đã nắm", internal=True).status_code == 201
    assert post(MONITOR_A, body="Trả lời công khai").status_code == 403
    assert post(MEMBER_A, body="").status_code == 422
    assert post(MEMBER_A, body="x" * 4001).status_code == 422
    seen_by_resident = as_phone(RESIDENT).get(f"/help-requests/{request_id}").get_json()["comments"]
    seen_by_monitor = as_phone(MONITOR_A).get(f"/help-requests/{request_id}").get_json()["comments"]
    assert [c["internal"] for c in seen_by_resident] == [False, False]
    assert [c["internal"] for c in seen_by_monitor] == [False, True, False, True]
    assert _kinds(RESIDENT) == ["request_reply"]
    assert _kinds(MEMBER_A) == ["request_new", "request_reply"]
    # the member's public reply counts as the first response
    assert as_phone(RESIDENT).get(f"/help-requests/{request_id}").get_json()["first_responded_at"]


def test_a_resent_comment_is_stored_once(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world)["id"]
    body = {"id": str(uuid.uuid4()), "body": "Em sẽ gọi lại"}
    path = f"/help-requests/{request_id}/comments"
    assert as_phone(MEMBER_A).post(path, json=body).status_code == 201
    assert as_phone(MEMBER_A).post(path, json=body).status_code == 200
    assert as_phone(MEMBER_A).post(path, json=body | {"body": "Khác"}).status_code == 409
    assert len(as_phone(MEMBER_A).get(f"/help-requests/{request_id}").get_json()["comments"]) == 1
