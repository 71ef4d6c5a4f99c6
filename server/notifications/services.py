"""Writing notifications into the outbox (in the caller's transaction), the inbox, and devices."""

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..auth.models import User
from ..auth.scope import Scope
from ..dbutil import insert_ignoring_conflicts
from ..errors import NotFound
from ..extensions import db
from ..pagination import Page, paginate
from ..types import utcnow
from .models import Device, Notification

DEFAULT_LOCALE = "vi"
TITLE_MAX, BODY_MAX = 200, 500


def enqueue(
    recipients: Iterable[User],
    kind: str,
    render: Callable[[], tuple[str, str]],
    request_id: uuid.UUID | None = None,
    skip: User | None = None,
) -> list[Notification]:
    """One outbox row per recipient, its text rendered in the recipient's language.

    Runs inside the caller's transaction: the notification exists if and only if the change does."""
    notifications, seen = [], {skip.id} if skip is not None else set()
    for user in recipients:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        with force_locale(user.locale or DEFAULT_LOCALE):
            title, body = render()
        notifications.append(
            Notification(
                user_id=user.id,
                kind=kind,
                title=_clip(title, TITLE_MAX),
                body=_clip(body, BODY_MAX),
                request_id=request_id,
            )
        )
    db.session.add_all(notifications)
    return notifications


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def list_notifications(scope: Scope, unread_only: bool, cursor: str | None, limit: int | None) -> Page:
    """The caller's own notifications, oldest first from the cursor (phones keep the last cursor)."""
    stmt = select(Notification).where(Notification.user_id == scope.user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(stmt, (Notification.id,), cursor, limit)


def mark_read(scope: Scope, notification_id: int) -> Notification:
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == scope.user.id)
    )
    if notification is None:
        raise NotFound(_("Not found, or outside your area."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(scope: Scope, now: datetime | None = None) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == scope.user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def register_device(scope: Scope, token: str, platform: str, locale: str) -> Device:
    """Idempotent; a token moves to whoever registered it last (a phone changed hands)."""
    now = utcnow()
    db.session.execute(
        insert_ignoring_conflicts(Device.__table__, ["token"]).values(
            user_id=scope.user.id, token=token, platform=platform, created_at=now, last_seen_at=now
        )
    )
    device = db.session.scalar(select(Device).where(Device.token == token))
    device.user_id, device.platform, device.last_seen_at = scope.user.id, platform, now
    # Pushes are written in the language the phone last asked for.
    scope.user.locale = locale
    db.session.flush()
    return device


def unregister_device(scope: Scope, token: str) -> None:
    device = db.session.scalar(select(Device).where(Device.token == token, Device.user_id == scope.user.id))
    if device is None:
        raise NotFound(_("This device is not registered to you."))
    db.session.delete(device)
    db.session.flush()
