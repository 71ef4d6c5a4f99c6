"""Joining the ingest transaction: newly stored records count, records they supersede stop counting."""

from sqlalchemy import select

from ..activities.models import Activity
from ..extensions import db
from .aggregates import record_activities, withdraw_activities

CONTRIBUTING_COLUMNS = ("id", "member_id", "unit_path", "resident_id", "people", "service", "action", "outcome",
                        "blocker", "occurred_at", "supersedes_id")


def after_records_stored(created: list[dict]) -> None:
    """A record counts while no stored record supersedes it (a correction may arrive before the original)."""
    if not created:
        return
    new_ids = [row["id"] for row in created]
    superseded = set(db.session.scalars(select(Activity.supersedes_id).where(Activity.supersedes_id.in_(new_ids))))
    targets = {row["supersedes_id"] for row in created if row["supersedes_id"] is not None} - set(new_ids)
    if targets:
        earlier = set(db.session.scalars(select(Activity.supersedes_id).where(
            Activity.supersedes_id.in_(targets), Activity.id.not_in(new_ids))))
        withdrawn = db.session.execute(
            select(*(getattr(Activity, name) for name in CONTRIBUTING_COLUMNS))
            .where(Activity.id.in_(targets - earlier))).mappings().all()
        withdraw_activities([dict(row) for row in withdrawn])
    record_activities([row for row in created if row["id"] not in superseded])
