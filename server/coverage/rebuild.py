"""Rebuilding every coverage aggregate from the stored records (after a bulk load or a repair)."""

from sqlalchemy import delete, select

from ..activities.models import Activity
from ..extensions import db
from .aggregates import record_activities
from .hooks import CONTRIBUTING_COLUMNS
from .models import CoverageCounter, CoverageMark, LastActivity

CHUNK = 5000


def rebuild_coverage(progress=None) -> int:
    """Recount from scratch: only records that no stored record supersedes count."""
    for model in (CoverageMark, CoverageCounter, LastActivity):
        db.session.execute(delete(model))
    superseder = Activity.__table__.alias("superseder")
    effective = (select(*(getattr(Activity, name) for name in CONTRIBUTING_COLUMNS))
                 .where(~select(superseder.c.id).where(superseder.c.supersedes_id == Activity.id).exists())
                 .order_by(Activity.id))
    done, last_id = 0, None
    while True:
        stmt = effective if last_id is None else effective.where(Activity.id > last_id)
        rows = [dict(row) for row in db.session.execute(stmt.limit(CHUNK)).mappings()]
        if not rows:
            return done
        record_activities(rows)
        done += len(rows)
        last_id = rows[-1]["id"]
        if progress:
            progress(done)
