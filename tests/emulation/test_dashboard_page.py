"""The dashboard's emulation page and its exports, for staff signed in with a session cookie."""

from tests.conftest import token_for
from tests.emulation.conftest import MEMBER_2
from tests.factories import COMMUNE_A, LEADER_B, MONITOR_A


def _sign_in(client, phone):
    assert client.post("/auth/session", json={"id_token": token_for(phone)}).status_code == 204


def test_page_shows_criteria_formula_ranking_and_exports(history, client):
    _sign_in(client, MONITOR_A)
    page = client.get(f"/dashboard/units/{COMMUNE_A}/emulation?period=2026-Q4", headers={"Accept-Language": "vi"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in (
        "Bảng xếp hạng",
        "Xã Lũng Cú",
        "Giàng Thị Mai",
        "trọng số",
        "Số ngày hoạt động",
        "emulation.xlsx?period=2026-Q4",
        "emulation.pdf?period=2026-Q4",
    ):
        assert expected in html, expected
    teams = client.get(f"/dashboard/units/{COMMUNE_A}/emulation?period=2026-Q4&of=teams").get_data(as_text=True)
    assert "Tổ CNS Thèn Pả" in teams and "Giàng Thị Mai" not in teams
    pdf = client.get(f"/dashboard/units/{COMMUNE_A}/emulation.pdf?period=2026-Q4")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/dashboard/units/{COMMUNE_A}/emulation.xlsx?period=2026-Q4").status_code == 200
    assert client.get(f"/dashboard/units/{COMMUNE_A}/emulation.doc?period=2026-Q4").status_code == 404
    assert client.get(f"/dashboard/units/{COMMUNE_A}/emulation?period=all").status_code == 422


def test_page_keeps_the_scope(history, client):
    assert client.get(f"/dashboard/units/{COMMUNE_A}/emulation").status_code == 302  # sign in first
    _sign_in(client, LEADER_B)
    assert client.get(f"/dashboard/units/{COMMUNE_A}/emulation?period=2026-Q4").status_code == 404
    _sign_in(client, MEMBER_2)
    html = client.get(f"/dashboard/units/{history.village_2.code}/emulation?period=2026-Q4").get_data(as_text=True)
    assert "Giàng Thị Mai" in html and "Lô Lô Chải" not in html
