import uuid
from datetime import timedelta

from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.notifications.models import Notification
from server.requests.models import HelpRequest
from server.types import utcnow
from tests.factories import LEADER_A, MEMBER_A, MONITOR_A, RESIDENT, build_world, grant
from tests.requests.helpers import act, file_request, sign_in


def _shift_back(request_id, hours):
    """Pretend the request was filed `hours` ago."""
    db.session.rollback()
    request = db.session.get(HelpRequest, uuid.UUID(request_id))
    for field in ("created_at", "first_response_due_at", "resolution_due_at"):
        setattr(request, field, getattr(request, field) - timedelta(hours=hours))
    db.session.commit()


def _overdue_notifications():
    db.session.rollback()
    return sorted(
        db.session.scalars(
            select(User.phone)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.kind == "request_overdue")
        )
    )


def test_due_times_default_to_24_and_72_hours_and_are_configurable(app, as_phone, app_context):
    world = build_world()
    body = file_request(as_phone, world)
    filed = body["created_at"]
    request = db.session.get(HelpRequest, uuid.UUID(body["id"]))
    assert request.first_response_due_at - request.created_at == timedelta(hours=24)
    assert request.resolution_due_at - request.created_at == timedelta(hours=72)
    app.config["HELP_REQUEST_SLA_HOURS"] = {"scam_safety": [2, 12]}
    try:
        urgent = file_request(as_phone, world, service="scam_safety")
    finally:
        app.config["HELP_REQUEST_SLA_HOURS"] = {}
    request = db.session.get(HelpRequest, uuid.UUID(urgent["id"]))
    assert request.resolution_due_at - request.created_at == timedelta(hours=12)
    assert filed


def test_overdue_requests_are_listed_and_escalated_once(app, as_phone, app_context):
    world = build_world()
    commune_monitor = "+84900000020"
    grant(commune_monitor, "monitor", "00715")
    db.session.commit()
    sign_in(as_phone, LEADER_A, MONITOR_A, MEMBER_A, commune_monitor)
    late = file_request(as_phone, world)["id"]
    on_time = file_request(as_phone, world, service="zalo")["id"]
    _shift_back(late, 30)  # first response was due 6 hours ago
    overdue = as_phone(LEADER_A).get("/help-requests?overdue=true").get_json()["items"]
    assert [r["id"] for r in overdue] == [late] and overdue[0]["overdue"] is True
    assert [r["id"] for r in as_phone(LEADER_A).get("/help-requests?overdue=false").get_json()["items"]] == [on_time]

    runner = app.test_cli_runner()
    result = runner.invoke(args=["requests", "check-sla"])
    assert result.exit_code == 0, result.output
    assert "1 overdue request(s) escalated." in result.output
    # the team leader and the commune's monitor hear; the province monitor does not
    assert _overdue_notifications() == sorted([LEADER_A, commune_monitor])
    again = runner.invoke(args=["requests", "check-sla"])
    assert "0 overdue request(s) escalated." in again.output
    assert len(_overdue_notifications()) == 2
    history = as_phone(LEADER_A).get(f"/help-requests/{late}").get_json()["history"]
    assert history[-1]["action"] == "escalate" and history[-1]["actor"] is None


def test_waiting_on_the_resident_pauses_the_clock(as_phone, app_context):
    world = build_world()
    request_id = file_request(as_phone, world)["id"]
    act(as_phone, MEMBER_A, request_id, "claim")
    act(as_phone, MEMBER_A, request_id, "start")
    act(as_phone, MEMBER_A, request_id, "wait")
    _shift_back(request_id, 100)  # long past due, but the team is waiting on the resident
    db.session.rollback()
    request = db.session.get(HelpRequest, uuid.UUID(request_id))
    request.paused_at -= timedelta(hours=50)
    db.session.commit()
    assert as_phone(MEMBER_A).get("/help-requests?overdue=true").get_json()["items"] == []
    due_before = db.session.get(HelpRequest, uuid.UUID(request_id)).resolution_due_at
    resumed = act(as_phone, MEMBER_A, request_id, "resume").get_json()
    db.session.rollback()
    request = db.session.get(HelpRequest, uuid.UUID(request_id))
    assert request.resolution_due_at - due_before >= timedelta(hours=50)
    assert request.paused_at is None
    assert resumed["overdue"] is (request.resolution_due_at < utcnow())


def test_lists_filter_and_paginate(as_phone, app_context):
    world = build_world()
    ids = [file_request(as_phone, world, service=s)["id"] for s in ("vneid", "zalo", "bank_app", "vneid")]
    act(as_phone, MEMBER_A, ids[0], "claim")
    api = as_phone(MEMBER_A)
    assert [r["id"] for r in api.get("/help-requests?assigned_to=me").get_json()["items"]] == [ids[0]]
    assert [r["id"] for r in api.get("/help-requests?service=vneid").get_json()["items"]] == [ids[0], ids[3]]
    assert [r["id"] for r in api.get("/help-requests?status=new,assigned").get_json()["items"]] == ids
    assert len(api.get("/help-requests?status=assigned").get_json()["items"]) == 1
    assert api.get("/help-requests?status=bogus").status_code == 422
    assert api.get("/help-requests?unit=nope").status_code == 422
    assert len(api.get(f"/help-requests?unit={world.village_a.code}").get_json()["items"]) == 4
    seen, cursor = [], None
    while True:
        page = api.get("/help-requests?limit=3" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    since = api.get(f"/help-requests/{ids[0]}").get_json()["updated_at"]
    changed = api.get("/help-requests", query_string={"updated_since": since}).get_json()["items"]
    assert ids[0] in [r["id"] for r in changed]
    assert as_phone(RESIDENT).get("/help-requests?mine=true").get_json()["items"][0]["id"] == ids[0]
