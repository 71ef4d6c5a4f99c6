"""A ranking as a spreadsheet or a PDF for the review meeting, in the caller's language
(Vietnamese unless English is asked for): title, period, criteria and formula, the table, a chart
of the scores, and signature lines for the commune's chairperson and the team leader."""

from datetime import timedelta

from flask import Response
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from ..coverage.periods import VIETNAM
from ..spreadsheets import DECIMAL, INTEGER, TEXT, XLSX_TYPE, Chart, Column, Table, to_xlsx
from .criteria import formula_text
from .ranking import MEMBERS, Ranking

FORMATS = ("xlsx", "pdf")
CHART_ENTRIES = 20


def download(kind: str, ranking: Ranking) -> Response:
    name = f"emulation-{ranking.unit.code}-{ranking.period.key}-{ranking.of}"
    if kind == "xlsx":
        body, mimetype = ranking_xlsx(ranking), XLSX_TYPE
    else:
        body, mimetype = ranking_pdf(ranking), "application/pdf"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


def title_of(ranking: Ranking) -> str:
    if ranking.of == MEMBERS:
        return _("Emulation ranking of members: %(unit)s", unit=ranking.unit.name)
    return _("Emulation ranking of teams: %(unit)s", unit=ranking.unit.name)


def period_line(ranking: Ranking) -> str:
    first = ranking.period.start.astimezone(VIETNAM).date()
    last = (ranking.period.end.astimezone(VIETNAM) - timedelta(days=1)).date()
    return _(
        "Period: %(period)s (%(first)s – %(last)s)",
        period=ranking.period.key,
        first=first.strftime("%d/%m/%Y"),
        last=last.strftime("%d/%m/%Y"),
    )


def header(ranking: Ranking) -> list[str]:
    who = _("Member") if ranking.of == MEMBERS else _("Team")
    where = _("Team") if ranking.of == MEMBERS else _("Unit")
    return [_("Rank"), who, where, _("Score")] + [f"{i}. {c.code}" for i, c in enumerate(ranking.criteria, 1)]


def rows(ranking: Ranking) -> list[list]:
    table = []
    for entry in ranking.items:
        where = entry.ref["team"]["name"] if ranking.of == MEMBERS else entry.ref["unit"]["name"]
        table.append(
            [entry.rank, entry.ref["name"], where, entry.score]
            + [entry.points.get(c.code, 0.0) for c in ranking.criteria]
        )
    return table


def criteria_lines(ranking: Ranking) -> list[str]:
    language = str(get_locale())
    return [
        f"{i}. {c.label(language)} ({c.code}): " + _("weight %(weight)s", weight=format_decimal(c.weight))
        for i, c in enumerate(ranking.criteria, 1)
    ]


def ranking_xlsx(ranking: Ranking) -> bytes:
    """Through the one spreadsheet path (server/spreadsheets.py): names are text, never formulas."""
    labels = header(ranking)
    kinds = [INTEGER, TEXT, TEXT, DECIMAL] + [DECIMAL] * len(ranking.criteria)
    widths = [8, 28, 28, 10] + [12] * len(ranking.criteria)
    lines = [period_line(ranking), _("Formula: %(formula)s", formula=formula_text()), *criteria_lines(ranking)]
    table = Table(
        title_of(ranking),
        [Column(label, kind, width) for label, kind, width in zip(labels, kinds, widths, strict=True)],
        rows(ranking),
        details=[(line, "") for line in lines],
        sheet=str(_("Ranking")),
        chart=Chart(str(_("Score")), values=3, categories=1, entries=CHART_ENTRIES),
    )
    return to_xlsx(table)


def ranking_pdf(ranking: Ranking) -> bytes:
    from .report_pdf import RankingSheet

    return RankingSheet(ranking).render()
