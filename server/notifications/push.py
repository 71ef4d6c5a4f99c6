"""The delivery worker: pushes pending outbox rows to the recipients' phones with FCM.

Rows are leased before sending (a crashed worker's rows come back after the lease), sent in
batches of up to 500 with firebase-admin's `send_each`, retried with exponential backoff,
and tokens FCM calls unregistered are deleted. Delivery is at least once."""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import firebase_admin
import google.auth.exceptions
import requests
from firebase_admin import credentials, exceptions, messaging
from flask import current_app
from sqlalchemy import delete, select, update

from ..extensions import db
from ..types import utcnow
from .models import Device, Notification, PushState

log = logging.getLogger(__name__)

FCM_BATCH = 500  # the most send_each accepts
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
# FCM says these tokens will never work again: the app was uninstalled or the token belongs elsewhere.
DEAD_TOKEN_ERRORS = (messaging.UnregisteredError, messaging.SenderIdMismatchError)
# The message itself is refused; sending it again cannot help.
PERMANENT_ERRORS = (exceptions.InvalidArgumentError, exceptions.PermissionDeniedError)


class PushNotConfigured(RuntimeError):
    """No usable FCM credentials: the worker stops instead of burning retries."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    no_device: int = 0
    dropped_tokens: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "DeliveryReport") -> None:
        for name in ("sent", "retrying", "failed", "no_device", "dropped_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.no_device


def messaging_app() -> firebase_admin.App:
    """The firebase-admin app used for FCM, with a service account (verification needs none)."""
    config = current_app.config
    path = config.get("FCM_CREDENTIALS_FILE")
    key = hashlib.sha256(f"{config['FIREBASE_PROJECT_ID']}|{path}".encode()).hexdigest()[:12]
    name = f"toso-messaging-{key}"
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        pass
    try:
        credential = credentials.Certificate(path) if path else credentials.ApplicationDefault()
        credential.get_credential()
    except (ValueError, OSError, google.auth.exceptions.DefaultCredentialsError) as error:
        raise PushNotConfigured(
            f"FCM credentials are missing or unusable ({error}). Set FCM_CREDENTIALS_FILE to a Firebase "
            "service-account JSON file, or GOOGLE_APPLICATION_CREDENTIALS."
        ) from error
    return firebase_admin.initialize_app(
        credential, {"projectId": config["FIREBASE_PROJECT_ID"], "httpTimeout": config["FCM_HTTP_TIMEOUT"]}, name=name
    )


def deliver_batch(now: datetime | None = None, batch_size: int = FCM_BATCH) -> DeliveryReport:
    """Lease up to `batch_size` due notifications, push them, record the outcome; commits."""
    now = now or utcnow()
    app = messaging_app()
    notifications = _lease(now, batch_size)
    report = DeliveryReport()
    if not notifications:
        return report
    devices = defaultdict(list)
    for device in db.session.scalars(
        select(Device).where(Device.user_id.in_({n.user_id for n in notifications})).order_by(Device.id)
    ):
        devices[device.user_id].append(device)
    pairs = [(n, d) for n in notifications for d in devices[n.user_id]]
    outcomes: dict[int, list[str]] = defaultdict(list)  # notification id -> outcome per device
    errors: dict[int, str] = {}
    dead_devices: set[int] = set()
    for start in range(0, len(pairs), FCM_BATCH):
        chunk = pairs[start : start + FCM_BATCH]
        for (notification, device), error in zip(chunk, _send(app, chunk), strict=True):
            if error is None:
                outcomes[notification.id].append("sent")
            elif isinstance(error, DEAD_TOKEN_ERRORS):
                dead_devices.add(device.id)
                outcomes[notification.id].append("dead")
            else:
                permanent = isinstance(error, PERMANENT_ERRORS)
                outcomes[notification.id].append("failed" if permanent else "retry")
                errors[notification.id] = f"{type(error).__name__}: {error}"[:300]
    for notification in notifications:
        _record(notification, outcomes[notification.id], errors.get(notification.id), now, report)
    if dead_devices:
        db.session.execute(delete(Device).where(Device.id.in_(dead_devices)))
        report.dropped_tokens = len(dead_devices)
    report.errors = sorted(set(errors.values()))
    db.session.commit()
    return report


def deliver_all(now: datetime | None = None, batch_size: int = FCM_BATCH) -> DeliveryReport:
    """Batches until nothing is due."""
    total = DeliveryReport()
    while True:
        report = deliver_batch(now, batch_size)
        total.add(report)
        if report.handled < batch_size:
            return total


def _lease(now: datetime, batch_size: int) -> list[Notification]:
    """Take due rows (SKIP LOCKED keeps parallel workers apart on PostgreSQL) and hide them for a lease."""
    ids = db.session.scalars(
        select(Notification.id)
        .where(Notification.push_state == PushState.PENDING, Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    ).all()
    if not ids:
        db.session.commit()
        return []
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids))
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(db.session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)))


def _message(notification: Notification, device: Device) -> messaging.Message:
    data = {"kind": notification.kind, "notification_id": str(notification.id)}
    if notification.request_id:
        data["request_id"] = str(notification.request_id)
    return messaging.Message(
        fid=device.token,  # firebase-admin 7.7 names the registration target `fid` (`token` is deprecated)
        notification=messaging.Notification(title=notification.title, body=notification.body),
        data=data,
        android=messaging.AndroidConfig(priority="high", collapse_key=data.get("request_id")),
    )


def _send(app, chunk) -> list[Exception | None]:
    """One error (or None) per message; a failure of the whole call counts against every message."""
    messages = [_message(notification, device) for notification, device in chunk]
    try:
        batch = messaging.send_each(messages, app=app)
    except (exceptions.FirebaseError, google.auth.exceptions.GoogleAuthError, requests.RequestException) as error:
        log.warning("FCM batch failed: %s", error)
        return [error] * len(chunk)
    return [None if response.success else response.exception for response in batch.responses]


def _record(
    notification: Notification, outcomes: list[str], error: str | None, now: datetime, report: DeliveryReport
) -> None:
    if "sent" in outcomes:
        notification.push_state, notification.sent_at = PushState.SENT, now
        report.sent += 1
    elif "retry" in outcomes:
        notification.attempts += 1
        if notification.attempts >= current_app.config["NOTIFICATION_MAX_ATTEMPTS"]:
            notification.push_state = PushState.FAILED
            report.failed += 1
        else:
            notification.next_attempt_at = now + backoff(notification.attempts)
            report.retrying += 1
    elif "failed" in outcomes:
        notification.push_state = PushState.FAILED
        report.failed += 1
    else:  # no phone registered, or every token turned out dead: the inbox still has it
        notification.push_state = PushState.NO_DEVICE
        report.no_device += 1
    notification.last_error = error


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min, … capped at 6 h (base from NOTIFICATION_RETRY_BASE_SECONDS)."""
    base = current_app.config["NOTIFICATION_RETRY_BASE_SECONDS"]
    return min(timedelta(seconds=base * 2 ** (attempts - 1)), MAX_BACKOFF)
