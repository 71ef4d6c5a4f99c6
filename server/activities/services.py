"""Recording one assistance and reading records in the caller's area."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..auth.scope import Scope
from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..pagination import Page, paginate
from ..types import utcnow
from ..units.paths import subtree_condition
from ..units.services import get_unit
from .ingest import CONFLICT, CREATED, DUPLICATE, OUTSIDE_AREA, record_batch
from .models import Activity


def record_activity(scope: Scope, item: dict) -> tuple[Activity, bool]:
    """One record through the batch path; returns (the stored record, created?). Rejections raise."""
    result = record_batch(scope, [item]).results[0]
    if result["status"] in (CREATED, DUPLICATE):
        return db.session.get(Activity, uuid.UUID(result["id"])), result["status"] == CREATED
    detail = {
        CONFLICT: _("A different record with this id is already stored."),
        OUTSIDE_AREA: _("This record is outside the area where you work."),
    }.get(result["reason"], _("Some fields are invalid."))
    error = {CONFLICT: Conflict, OUTSIDE_AREA: Forbidden}.get(result["reason"], InvalidInput)
    raise error(detail, result["errors"])


@dataclass
class ActivityFilters:
    unit: str | None = None
    mine: bool = False
    resident: uuid.UUID | None = None
    service: str | None = None
    action: str | None = None
    outcome: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    since: datetime | None = None


def visible_condition(scope: Scope):
    return or_(scope.read_condition(Activity.unit_path), Activity.member_id == scope.user.id)


def list_activities(scope: Scope, filters: ActivityFilters, cursor: str | None, limit: int | None) -> Page:
    """In order of arrival, so that a phone can fetch what arrived since its last sync (`resume_cursor`).

    Records younger than the settle window are held back: a transaction that took its arrival
    time earlier may still be committing, and a cursor must never move past a record unseen."""
    settled = utcnow() - timedelta(seconds=current_app.config["ACTIVITY_SETTLE_SECONDS"])
    stmt = select(Activity).where(visible_condition(scope), Activity.received_at <= settled)
    stmt = stmt.where(*_filter_conditions(scope, filters))
    return paginate(stmt, (Activity.received_at, Activity.id), cursor, limit)


def _filter_conditions(scope: Scope, filters: ActivityFilters) -> list:
    conditions = []
    if filters.unit:
        conditions.append(subtree_condition(Activity.unit_path, get_unit(filters.unit).path))
    if filters.mine:
        conditions.append(Activity.member_id == scope.user.id)
    for column, value in (
        (Activity.resident_id, filters.resident),
        (Activity.service, filters.service),
        (Activity.action, filters.action),
        (Activity.outcome, filters.outcome),
    ):
        if value is not None:
            conditions.append(column == value)
    if filters.occurred_from:
        conditions.append(Activity.occurred_at >= filters.occurred_from)
    if filters.occurred_to:
        conditions.append(Activity.occurred_at < filters.occurred_to)
    if filters.since:
        conditions.append(Activity.received_at > filters.since)
    return conditions
