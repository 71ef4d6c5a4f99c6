"""Tables for people, written as CSV or XLSX: the one path every export takes.

A table starts with a title block (what, which unit, which period, when it was made), then one
header row and the data. Text is always written as text: in XLSX as string cells, in CSV with
OWASP's neutralisation of a leading =, +, -, @, tab or carriage return, so a village named
"=HYPERLINK(…)" never becomes a live formula in Excel or LibreOffice."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")

TEXT, INTEGER, DECIMAL, PERCENT, DATE = "text", "integer", "decimal", "percent", "date"
_NUMBER_FORMATS = {INTEGER: "#,##0", DECIMAL: "#,##0.0", PERCENT: "0.0%", DATE: "dd/mm/yyyy"}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A spreadsheet cell's value that no spreadsheet will evaluate: text beginning with a formula
    trigger gets a leading apostrophe (OWASP, "CSV Injection"); anything else is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 14  # in characters, as spreadsheets measure columns


@dataclass(frozen=True)
class Chart:
    """A bar chart beside the table (XLSX only): column `values` against column `categories` (0-based),
    for the first `entries` rows."""

    title: str
    values: int
    categories: int
    entries: int = 20


@dataclass
class Table:
    """`details` are (label, value) lines under the title, e.g. (“Unit”, “Xã Lũng Cú”)."""

    title: str
    columns: list[Column]
    rows: list[list]
    details: list[tuple[str, str]] = field(default_factory=list)
    sheet: str = "ToSo"
    chart: Chart | None = None

    @property
    def header_row(self) -> int:
        """1-based row of the column headers: title, details, one blank line."""
        return len(self.details) + 3


def to_csv(table: Table) -> str:
    """UTF-8 text with a byte-order mark, so Excel reads Vietnamese; numbers stay machine-readable."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(table.title)])
    for label, value in table.details:
        writer.writerow([neutralise(label), neutralise(value)])
    writer.writerow([])
    writer.writerow([neutralise(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def _csv_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(value)


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(table.sheet))
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{table.header_row + 1}"

    def cell(value, kind=TEXT, **style):
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)  # spreadsheets have no time zones; callers pass local time
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # never a formula, whatever the text begins with
        elif value is not None and kind in _NUMBER_FORMATS:
            made.number_format = _NUMBER_FORMATS[kind]
        for name, setting in style.items():
            setattr(made, name, setting)
        return made

    sheet.append([cell(table.title, font=Font(bold=True, size=14))])
    for label, value in table.details:
        sheet.append([cell(label, font=Font(bold=True)), cell(value)])
    sheet.append([])
    header_style = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DBEAFE"),
        "alignment": Alignment(wrap_text=True, vertical="top"),
    }
    sheet.append([cell(column.header, **header_style) for column in table.columns])
    for row in table.rows:
        sheet.append([cell(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    if table.chart and table.rows:
        _add_chart(sheet, table)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _add_chart(sheet, table: Table) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    first = table.header_row + 1
    last = table.header_row + min(len(table.rows), table.chart.entries)
    chart = BarChart()
    chart.type = "bar"
    chart.title = table.chart.title
    chart.y_axis.scaling.min = 0
    chart.add_data(
        Reference(sheet, min_col=table.chart.values + 1, min_row=table.header_row, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=table.chart.categories + 1, min_row=first, max_row=last))
    sheet.add_chart(chart, f"{get_column_letter(len(table.columns) + 2)}{first}")


def _sheet_name(name: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in name)[:31] or "ToSo"


def download(kind: str, filename: str, table: Table) -> Response:
    """`filename` without extension, ASCII (unit codes and period keys)."""
    if kind == "csv":
        body, content_type = to_csv(table), CSV_TYPE
    elif kind == "xlsx":
        body, content_type = to_xlsx(table), XLSX_TYPE
    else:
        raise ValueError(kind)
    return Response(
        body, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}.{kind}"'}
    )
