"""The delivery worker against a local FCM: the real firebase-admin messaging code path."""

import json
from datetime import timedelta

import pytest
from firebase_admin import messaging
from google.auth.credentials import CredentialsWithRegionalAccessBoundary
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.notifications.models import Device, Notification, PushState
from server.notifications.push import deliver_all
from server.types import utcnow
from tests.factories import MEMBER_A, RESIDENT, build_world
from tests.notifications.fake_fcm import PROJECT_ID, FakeFcm, service_account
from tests.requests.helpers import file_request, sign_in


@pytest.fixture
def fcm(app, tmp_path, monkeypatch):
    with FakeFcm() as fake:
        key_file = tmp_path / "service-account.json"
        key_file.write_text(json.dumps(service_account(f"{fake.url}/token")))
        monkeypatch.setattr(messaging._MessagingService, "FCM_URL", fake.url + "/v1/projects/{0}/messages:send")
        # google-auth would otherwise look up a Google host in the background
        monkeypatch.setattr(
            CredentialsWithRegionalAccessBoundary, "_is_regional_access_boundary_lookup_required", lambda self: False
        )
        for key, value in {
            "FCM_CREDENTIALS_FILE": str(key_file),
            "FIREBASE_PROJECT_ID": PROJECT_ID,
            "FCM_HTTP_TIMEOUT": 5,
        }.items():
            monkeypatch.setitem(app.config, key, value)
        yield fake


def _register(as_phone, phone, token, lang="vi"):
    response = as_phone(phone, lang).post("/devices", json={"token": token, "platform": "android"})
    assert response.status_code == 201


def _notification(phone) -> Notification:
    db.session.rollback()
    return db.session.scalar(select(Notification).join(User).where(User.phone == phone).order_by(Notification.id))


def test_pushes_reach_every_phone_and_dead_tokens_are_dropped(fcm, as_phone, app_context):
    world = build_world()
    sign_in(as_phone, MEMBER_A, RESIDENT)
    _register(as_phone, MEMBER_A, "phone-of-member")
    _register(as_phone, MEMBER_A, "dead-old-phone")
    request = file_request(as_phone, world)
    report = deliver_all()
    assert (report.sent, report.dropped_tokens) == (1, 1)
    assert fcm.targets() == ["dead-old-phone", "phone-of-member"]
    pushed = next(m for m in fcm.messages if m.get("fid", m.get("token")) == "phone-of-member")
    assert pushed["notification"]["title"] == f"Yêu cầu hỗ trợ mới {request['reference']}"
    assert pushed["data"] == {
        "kind": "request_new",
        "notification_id": str(_notification(MEMBER_A).id),
        "request_id": request["id"],
    }
    assert _notification(MEMBER_A).push_state == PushState.SENT
    assert db.session.scalars(select(Device.token)).all() == ["phone-of-member"]
    assert deliver_all().handled == 0  # nothing is sent twice


def test_texts_are_in_the_recipients_language(fcm, as_phone, app_context):
    world = build_world()
    _register(as_phone, MEMBER_A, "phone-in-english", lang="en")
    request = file_request(as_phone, world)  # the resident writes in Vietnamese
    deliver_all()
    assert fcm.messages[0]["notification"]["title"] == f"New help request {request['reference']}"


def test_a_person_without_phones_keeps_it_in_the_inbox(fcm, as_phone, app_context):
    world = build_world()
    sign_in(as_phone, MEMBER_A)
    file_request(as_phone, world)
    assert deliver_all().no_device == 1
    assert fcm.messages == []
    assert _notification(MEMBER_A).push_state == PushState.NO_DEVICE
    assert as_phone(MEMBER_A).get("/notifications").get_json()["items"][0]["kind"] == "request_new"


def test_refused_pushes_are_retried_with_backoff_then_given_up(fcm, app, as_phone, app_context, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFICATION_MAX_ATTEMPTS", 3)
    world = build_world()
    _register(as_phone, MEMBER_A, "busy-phone")
    file_request(as_phone, world)
    now = utcnow()
    assert deliver_all(now).retrying == 1
    first = _notification(MEMBER_A)
    assert first.attempts == 1 and first.next_attempt_at == now + timedelta(seconds=30)
    assert "QuotaExceededError" in first.last_error
    assert deliver_all(now + timedelta(seconds=29)).handled == 0  # not due yet
    assert deliver_all(now + timedelta(seconds=31)).retrying == 1
    second = _notification(MEMBER_A)
    assert second.attempts == 2 and second.next_attempt_at == now + timedelta(seconds=31 + 60)
    assert deliver_all(now + timedelta(minutes=5)).failed == 1
    assert _notification(MEMBER_A).push_state == PushState.FAILED
    assert len(fcm.messages) == 3
    assert db.session.scalar(select(Device.token)) == "busy-phone"  # a busy phone is not a dead one


def test_an_unreachable_fcm_is_retried(fcm, as_phone, app_context, monkeypatch):
    world = build_world()
    _register(as_phone, MEMBER_A, "phone-of-member")
    file_request(as_phone, world)
    monkeypatch.setattr(messaging._MessagingService, "FCM_URL", "http://127.0.0.1:9/v1/projects/{0}/messages:send")
    report = deliver_all()
    assert report.retrying == 1 and report.sent == 0
    assert _notification(MEMBER_A).push_state == PushState.PENDING


def test_the_send_command(fcm, app, as_phone, app_context):
    world = build_world()
    _register(as_phone, MEMBER_A, "phone-of-member")
    file_request(as_phone, world)
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 sent, 0 to retry, 0 failed")


def test_the_send_command_without_credentials_says_what_to_set(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "FCM_CREDENTIALS_FILE", str(tmp_path / "missing.json"))
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code != 0 and "FCM_CREDENTIALS_FILE" in result.output


def test_the_demo_worker_without_credentials_keeps_running_and_says_why(app, monkeypatch, tmp_path):
    """honcho stops every process of `make demo` when one exits: the worker must wait, not stop."""
    monkeypatch.setitem(app.config, "FCM_CREDENTIALS_FILE", str(tmp_path / "missing.json"))
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr("server.notifications.cli.time.sleep", sleep)
    result = app.test_cli_runner().invoke(
        args=["notifications", "send", "--loop", "--interval", "2", "--wait-for-credentials"]
    )
    assert naps == [2, 2, 2]
    assert result.output.count("FCM_CREDENTIALS_FILE") == 1 and "inbox" in result.output
