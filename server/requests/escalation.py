"""Escalating overdue requests to the people who answer for them."""

from datetime import datetime

from sqlalchemy import select, update

from ..extensions import db
from . import notify
from .models import HelpRequest
from .services import record_event
from .sla import overdue_condition


def escalate_overdue(now: datetime, batch_size: int = 500) -> list[HelpRequest]:
    """Flag newly overdue requests and tell the leaders and the commune, once per request.

    The flag is set with a conditional UPDATE, so two runs at once never escalate twice."""
    escalated = []
    candidates = db.session.scalars(
        select(HelpRequest)
        .where(overdue_condition(now), HelpRequest.escalated_at.is_(None))
        .order_by(HelpRequest.resolution_due_at)
        .limit(batch_size)
    ).all()
    table = HelpRequest.__table__
    for request in candidates:
        result = db.session.execute(
            update(table).where(table.c.id == request.id, table.c.escalated_at.is_(None)).values(escalated_at=now)
        )
        if result.rowcount != 1:
            continue
        db.session.refresh(request)
        record_event(request, None, "escalate", request.status, request.status, now=now)
        notify.overdue(request)
        escalated.append(request)
    db.session.flush()
    return escalated
