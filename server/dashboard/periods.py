"""The period picker: every month, quarter and year since reporting began, newest first."""

from datetime import datetime, timedelta

from flask_babel import gettext as _

from ..coverage.labels import period_label
from ..coverage.periods import ALL, VIETNAM, Period, period_keys
from ..types import utcnow

FIRST_YEAR = 2025  # the two-tier local government (and ToSo's data) starts in 2025


def period_choices(selected: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Groups of (key, label) for a <select>: months, quarters, years, and all time. A period
    typed into the address bar outside these (an older year, say) is kept as a choice."""
    today = utcnow().astimezone(VIETNAM)
    first_year = min(FIRST_YEAR, today.year)
    months, quarters, years = [], [], []
    for year in range(today.year, first_year - 1, -1):
        last_month = today.month if year == today.year else 12
        months += [f"{year}-{month:02d}" for month in range(last_month, 0, -1)]
        quarters += [f"{year}-Q{quarter}" for quarter in range((last_month - 1) // 3 + 1, 0, -1)]
        years.append(str(year))
    groups = [(_("Months"), months), (_("Quarters"), quarters), (_("Years"), years), (_("All time"), [ALL])]
    if not any(selected in keys for _label, keys in groups):
        groups.insert(0, (_("Chosen"), [selected]))
    return [(label, [(key, period_label(key)) for key in keys]) for label, keys in groups]


def chart_end(period: Period) -> datetime:
    """The monthly chart ends with the chosen period (or now, for all time and the current one)."""
    now = utcnow()
    if period.end is None or period.end > now:
        return now
    return period.end - timedelta(seconds=1)


def report_month(period: Period) -> str:
    """The month a monthly report covers: the chosen month, else the month the chosen period ends in."""
    if period.kind == "month":
        return period.key
    return period_keys(chart_end(period))[0]
