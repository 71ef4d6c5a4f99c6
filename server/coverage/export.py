"""Coverage tables as CSV (UTF-8 with a byte-order mark, so Excel reads Vietnamese) or XLSX."""

import csv
import io

from flask import Response
from flask_babel import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def unit_table(coverage) -> tuple[list, list]:
    header = [_("Indicator"), _("Numerator"), _("Denominator"), _("Rate"), _("Target"), _("Deadline")]
    rows = [[f.indicator, f.numerator, f.denominator, f.rate, (f.target or {}).get("rate"),
             (f.target or {}).get("deadline")] for f in coverage.items]
    rows += [[f"blocker:{b['blocker']}", b["count"], None, None, None, None] for b in coverage.blockers]
    return header, rows


def children_table(rows: list[dict]) -> tuple[list, list]:
    header = [_("Code"), _("Unit"), _("Numerator"), _("Denominator"), _("Rate")]
    return header, [[r["unit"].code, r["unit"].name, r["numerator"], r["denominator"], r["rate"]] for r in rows]


def download(kind: str, name: str, header: list, rows: list) -> Response:
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        body, mimetype = "\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        stream = io.BytesIO()
        book.save(stream)
        body, mimetype = stream.getvalue(), XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})
