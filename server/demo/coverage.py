"""Demo denominators and targets, so the demo's coverage shows rates and progress bars.

The populations are invented for the demo (the official data has none; see DOMAIN.md); the
targets are the national ones of Decision 411/QĐ-TTg."""

import random
from datetime import date

from sqlalchemy import select

from ..coverage.models import CoverageTarget
from ..extensions import db
from ..units.models import Unit
from ..units.services import get_unit

DEMO_PROVINCE = "08"
NATIONAL_TARGETS = (
    ("payments_enabled", 0.80, "Quyết định 411/QĐ-TTg"),
    ("health_record_used", 0.90, "Quyết định 411/QĐ-TTg"),
)


def seed_coverage(communes_with_villages: set[str]) -> str:
    rng = random.Random(8)  # the same invented figures on every run
    province = get_unit(DEMO_PROVINCE)
    communes = db.session.scalars(select(Unit).where(Unit.parent_id == province.id).order_by(Unit.code)).all()
    for commune in communes:
        # Communes with demo villages take the sum of their villages' populations instead.
        if commune.code not in communes_with_villages and commune.population is None:
            commune.population = rng.randrange(3_000, 16_000, 10)
    nation = get_unit("VN")
    for indicator, rate, note in NATIONAL_TARGETS:
        if (
            db.session.scalar(
                select(CoverageTarget.id).where(
                    CoverageTarget.unit_id == nation.id, CoverageTarget.indicator == indicator
                )
            )
            is None
        ):
            db.session.add(
                CoverageTarget(
                    unit_id=nation.id, indicator=indicator, rate=rate, deadline=date(2026, 12, 31), note=note
                )
            )
    db.session.flush()
    return f"Demo coverage: invented populations for {len(communes)} communes of {province.name}, national targets."
