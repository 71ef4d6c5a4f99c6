"""Coverage tables for people (CSV or XLSX through server.spreadsheets): a title block, labels
instead of codes, rates as percentages."""

from flask_babel import gettext as _

from ..formatting import local_datetime
from ..spreadsheets import DATE, DECIMAL, INTEGER, PERCENT, TEXT, Column, Table
from ..types import utcnow
from .labels import blocker_label, indicator_label, period_label

MEDIAN = "median_resolution_hours"


def _details(unit, period_key: str) -> list[tuple[str, str]]:
    return [
        (_("Unit"), f"{unit.name} ({unit.code})"),
        (_("Period"), period_label(period_key)),
        (_("Generated at"), local_datetime(utcnow())),
    ]


def unit_table(coverage) -> Table:
    columns = [
        Column(_("Indicator"), TEXT, 42),
        Column(_("Reached"), DECIMAL, 12),
        Column(_("Out of"), INTEGER, 12),
        Column(_("Rate"), PERCENT, 10),
        Column(_("Target"), PERCENT, 10),
        Column(_("Target deadline"), DATE, 14),
    ]
    rows = []
    for figure in coverage.items:
        target = figure.target or {}
        if figure.indicator == MEDIAN:  # a median of hours, not a rate: the hours go where a count would
            rows.append([indicator_label(figure.indicator), figure.rate, None, None, None, None])
            continue
        rows.append(
            [
                indicator_label(figure.indicator),
                figure.numerator,
                figure.denominator,
                figure.rate,
                target.get("rate"),
                target.get("deadline"),
            ]
        )
    rows += [
        [f"{_('What blocked people')}: {blocker_label(b['blocker'])}", b["count"], None, None, None, None]
        for b in coverage.blockers
    ]
    return Table(
        _("Coverage of %(unit)s", unit=coverage.unit.name),
        columns,
        rows,
        _details(coverage.unit, coverage.period.key),
        sheet=coverage.unit.code,
    )


def children_table(unit, indicator_code: str, period_key: str, rows: list[dict]) -> Table:
    median = indicator_code == MEDIAN
    columns = [
        Column(_("Code"), TEXT, 10),
        Column(_("Unit"), TEXT, 32),
        Column(_("Reached"), INTEGER, 12),
        Column(_("Out of"), INTEGER, 12),
        Column(_("Median hours") if median else _("Rate"), DECIMAL if median else PERCENT, 12),
    ]
    title = _("%(indicator)s in the units of %(unit)s", indicator=indicator_label(indicator_code), unit=unit.name)
    return Table(
        title,
        columns,
        [[r["unit"].code, r["unit"].name, r["numerator"], r["denominator"], r["rate"]] for r in rows],
        _details(unit, period_key),
        sheet=unit.code,
    )
