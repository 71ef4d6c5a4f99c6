"""Service-level targets: when a first response and a resolution are due, and what is overdue."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_

from .models import OPEN_STATUSES, HelpRequest


def sla_hours(service: str) -> tuple[int, int]:
    """(first response, resolution) hours for a service; HELP_REQUEST_SLA_HOURS overrides the default."""
    hours = current_app.config["HELP_REQUEST_SLA_HOURS"].get(service)
    return tuple(hours) if hours else tuple(current_app.config["HELP_REQUEST_DEFAULT_SLA_HOURS"])


def due_times(service: str, start: datetime) -> tuple[datetime, datetime]:
    first, resolution = sla_hours(service)
    return start + timedelta(hours=first), start + timedelta(hours=resolution)


def overdue_condition(now: datetime):
    """SQL twin of HelpRequest.is_overdue: open, not paused, and a due time passed."""
    return and_(
        HelpRequest.status.in_(OPEN_STATUSES),
        HelpRequest.paused_at.is_(None),
        or_(
            and_(HelpRequest.first_responded_at.is_(None), HelpRequest.first_response_due_at < now),
            HelpRequest.resolution_due_at < now,
        ),
    )
