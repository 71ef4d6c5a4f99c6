"""Rebuilding every coverage aggregate from the stored records (after a bulk load or a repair)."""

from sqlalchemy import delete, update

from ..activities.models import Activity
from ..extensions import db
from ..signals import counting_reset
from .models import CoverageCounter, CoverageMark, LastActivity
from .worker import update_coverage


def rebuild_coverage(progress=None) -> int:
    """Forget every aggregate and count every record again, chunk by chunk."""
    for model in (CoverageMark, CoverageCounter, LastActivity):
        db.session.execute(delete(model))
    db.session.execute(update(Activity).values(aggregated=None).execution_options(synchronize_session=False))
    counting_reset.send()
    done = 0
    while taken := update_coverage():
        done += taken
        if progress:
            progress(done)
    return done
