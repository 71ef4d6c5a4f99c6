from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import UTCDateTime, utcnow
from ..units.models import Unit


class CoverageMark(db.Model):
    """One subject (resident, village, member) counted for one indicator in one period.

    It stays while an effective record puts it there: a correction that supersedes the last such
    record takes it out again (server/coverage/aggregates.py), so the counters stay exact."""

    __tablename__ = "coverage_marks"

    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    village_path: Mapped[str] = mapped_column(String(400))


class CoverageCounter(db.Model):
    """The numerator of an indicator for a unit's whole subtree in a period, kept on write."""

    __tablename__ = "coverage_counters"

    unit_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class LastActivity(db.Model):
    """When a village, or a member, was last active: the gaps list reads this, not the records."""

    __tablename__ = "coverage_last_activity"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)  # "unit:<code>" or "member:<id>"
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoverageTarget(db.Model):
    """E.g. 80 % of adults with a payment account by 2026-12-31 (Decision 411) for a unit's subtree."""

    __tablename__ = "coverage_targets"
    __table_args__ = (
        CheckConstraint("rate > 0 AND rate <= 1", name="rate_is_a_fraction"),
        Index("ix_coverage_targets_unit_id_indicator", "unit_id", "indicator", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    indicator: Mapped[str] = mapped_column(String(40))
    rate: Mapped[float] = mapped_column(Numeric(5, 4, asdecimal=False))
    deadline: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(200))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")


class CoverageDenominator(db.Model):
    """What a unit's figures are compared with, for its whole area, kept on write
    (server/coverage/denominators.py): a province's page reads one row, not 2,000 villages."""

    __tablename__ = "coverage_denominators"

    unit_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    population: Mapped[int | None] = mapped_column(BigInteger)
    households: Mapped[int | None] = mapped_column(BigInteger)
    villages: Mapped[int]
    members: Mapped[int]
