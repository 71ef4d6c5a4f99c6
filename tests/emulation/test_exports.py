"""The ranking as a spreadsheet and as a PDF for the review meeting."""

import io

import pypdfium2 as pdfium
from openpyxl import load_workbook

from server.extensions import db
from server.teams.models import TeamMember
from tests.emulation.conftest import MEMBER_3
from tests.factories import COMMUNE_A, LEADER_A, MEMBER_B


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
            page.close()
        return " ".join(texts)
    finally:
        document.close()


def test_xlsx_has_title_criteria_table_and_chart_with_names_as_text(history, as_phone):
    db.session.execute(
        TeamMember.__table__.update().where(TeamMember.phone == MEMBER_3).values(display_name='=HYPERLINK("http://x")')
    )
    db.session.commit()
    response = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026-Q4&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"emulation-{COMMUNE_A}-2026-Q4-members.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][0].startswith("Bảng xếp hạng thi đua") and "Lũng Cú" in cells[0][0]
    assert "2026-Q4" in cells[1][0] and "01/10/2026" in cells[1][0] and "31/12/2026" in cells[1][0]
    assert any(row[0] and row[0].startswith("1. Số người") for row in cells)
    header = next(i for i, row in enumerate(cells) if row[0] == "Hạng")
    table = cells[header + 1 :]
    assert len(table) == 4 and [row[0] for row in table] == sorted(row[0] for row in table)
    json_items = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026-Q4").get_json()["items"]
    assert [row[3] for row in table] == [item["score"] for item in json_items]
    formula_cells = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formula_cells == []
    assert any(row[1] == '=HYPERLINK("http://x")' for row in table)
    assert len(sheet._charts) == 1


def test_pdf_is_vietnamese_first_with_criteria_table_and_signatures(history, as_phone):
    response = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026-Q4&format=pdf&of=teams")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for expected in (
        "BẢNG XẾP HẠNG THI ĐUA",
        "LŨNG CÚ",
        "01/10/2026",
        "Tiêu chí",
        "trọng số",
        "Tổ CNS Thèn Pả",
        "Tổ trưởng",
        "Chủ tịch Ủy ban nhân dân xã",
        "Điểm",
    ):
        assert expected in text, expected
    english = _pdf_text(as_phone(LEADER_A, "en").get(f"/emulation/{COMMUNE_A}?period=2026-Q4&format=pdf").data)
    assert "EMULATION RANKING" in english and "Team leader" in english


def test_exports_keep_the_scope(history, as_phone):
    for kind in ("xlsx", "pdf"):
        response = as_phone(MEMBER_B).get(f"/emulation/{COMMUNE_A}?period=2026-Q4&format={kind}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
