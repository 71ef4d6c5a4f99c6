"""Help-request indicators for a unit subtree and period: answered in time, and how fast."""

import statistics

from sqlalchemy import func, select

from ..extensions import db
from ..requests.models import HelpRequest
from ..requests.sla import overdue_condition
from ..types import utcnow
from ..units.paths import codes_of, subtree_condition
from .periods import Period


def resolved_requests(root_path: str, period: Period) -> list:
    stmt = select(
        HelpRequest.unit_path, HelpRequest.created_at, HelpRequest.resolved_at, HelpRequest.resolution_due_at
    ).where(subtree_condition(HelpRequest.unit_path, root_path), HelpRequest.resolved_at.is_not(None))
    if period.start is not None:
        stmt = stmt.where(HelpRequest.resolved_at >= period.start, HelpRequest.resolved_at < period.end)
    return db.session.execute(stmt).all()


def summary_for(root_path: str, period: Period) -> dict:
    """The unit's own figures, counted by PostgreSQL in one statement (SQLite: from the rows)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return summarise(resolved_requests(root_path, period))
    conditions = [subtree_condition(HelpRequest.unit_path, root_path), HelpRequest.resolved_at.is_not(None)]
    if period.start is not None:
        conditions += [HelpRequest.resolved_at >= period.start, HelpRequest.resolved_at < period.end]
    seconds = func.extract("epoch", HelpRequest.resolved_at - HelpRequest.created_at)
    resolved, on_time, median = db.session.execute(
        select(
            func.count(),
            func.count().filter(HelpRequest.resolved_at <= HelpRequest.resolution_due_at),
            func.percentile_cont(0.5).within_group(seconds),
        ).where(*conditions)
    ).one()
    return {"on_time": on_time, "resolved": resolved, "median_hours": round(median / 3600, 1) if resolved else None}


def summarise(rows) -> dict:
    """{"on_time", "resolved", "median_hours"} for the given resolved requests."""
    hours = [(row.resolved_at - row.created_at).total_seconds() / 3600 for row in rows]
    return {
        "on_time": sum(1 for row in rows if row.resolved_at <= row.resolution_due_at),
        "resolved": len(rows),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
    }


def by_child(rows, depth: int) -> dict[str, dict]:
    """Summaries per child unit: the code at `depth` in each request's path."""
    groups: dict[str, list] = {}
    for row in rows:
        codes = codes_of(row.unit_path)
        if len(codes) > depth:
            groups.setdefault(codes[depth], []).append(row)
    return {code: summarise(group) for code, group in groups.items()}


def overdue_requests(root_path: str, limit: int = 50) -> list[HelpRequest]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(HelpRequest)
            .where(subtree_condition(HelpRequest.unit_path, root_path), overdue_condition(now))
            .order_by(HelpRequest.resolution_due_at)
            .limit(limit)
        )
    )
