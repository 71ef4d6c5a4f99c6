"""A ranking as a spreadsheet or a PDF for the review meeting, in the caller's language
(Vietnamese unless English is asked for): title, period, criteria and formula, the table, a chart
of the scores, and signature lines for the commune's chairperson and the team leader."""

import io
from datetime import timedelta

from flask import Response
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from ..coverage.periods import VIETNAM
from .criteria import formula_text
from .ranking import MEMBERS, Ranking

FORMATS = ("xlsx", "pdf")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_ENTRIES = 20


def download(kind: str, ranking: Ranking) -> Response:
    name = f"emulation-{ranking.unit.code}-{ranking.period.key}-{ranking.of}"
    if kind == "xlsx":
        body, mimetype = ranking_xlsx(ranking), XLSX
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
    return _("Period: %(period)s (%(first)s – %(last)s)", period=ranking.period.key,
             first=first.strftime("%d/%m/%Y"), last=last.strftime("%d/%m/%Y"))


def header(ranking: Ranking) -> list[str]:
    who = _("Member") if ranking.of == MEMBERS else _("Team")
    where = _("Team") if ranking.of == MEMBERS else _("Unit")
    return [_("Rank"), who, where, _("Score")] + [f"{i}. {c.code}" for i, c in enumerate(ranking.criteria, 1)]


def rows(ranking: Ranking) -> list[list]:
    table = []
    for entry in ranking.items:
        where = entry.ref["team"]["name"] if ranking.of == MEMBERS else entry.ref["unit"]["name"]
        table.append([entry.rank, entry.ref["name"], where, entry.score] +
                     [entry.points.get(c.code, 0.0) for c in ranking.criteria])
    return table


def criteria_lines(ranking: Ranking) -> list[str]:
    language = str(get_locale())
    return [f"{i}. {c.label(language)} ({c.code}): " + _("weight %(weight)s", weight=format_decimal(c.weight))
            for i, c in enumerate(ranking.criteria, 1)]


def ranking_xlsx(ranking: Ranking) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Ranking")[:31]

    def put(row: int, values: list, bold: bool = False) -> None:
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # names are text, never formulas (a name may start with "=")
            if bold:
                cell.font = Font(bold=True)

    put(1, [title_of(ranking)], bold=True)
    put(2, [period_line(ranking)])
    put(3, [_("Formula: %(formula)s", formula=formula_text())])
    line = 4
    for text in criteria_lines(ranking):
        put(line, [text])
        line += 1
    line += 1
    first_data = line + 1
    put(line, header(ranking), bold=True)
    for values in rows(ranking):
        line += 1
        put(line, values)
    if ranking.items:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Score")
        last = min(line, first_data + CHART_ENTRIES - 1)
        chart.add_data(Reference(sheet, min_col=4, min_row=first_data - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=first_data, max_row=last))
        chart.y_axis.scaling.min = 0
        sheet.add_chart(chart, f"{chr(ord('A') + len(header(ranking)) + 1)}{first_data}")
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def ranking_pdf(ranking: Ranking) -> bytes:
    from .report_pdf import RankingSheet

    return RankingSheet(ranking).render()
