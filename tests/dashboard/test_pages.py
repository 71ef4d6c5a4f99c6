"""The dashboard's unit page, requests and teams pages, sign-out, and the monthly report."""

import re

import pypdfium2 as pdfium
import pytest
import time_machine

from server.extensions import db
from server.teams.models import TeamMember
from tests.activity_factories import activity_item, count_coverage
from tests.conftest import token_for
from tests.factories import (
    ACTORS,
    COMMUNE_A,
    LEADER_A,
    MEMBER_A,
    MONITOR_A,
    MONITOR_B,
    PROVINCE_A,
    RESIDENT,
    build_world,
)
from tests.requests.helpers import file_request, sign_in

NOW = "2026-11-20T10:00:00+07:00"


def _sign_in(client, phone):
    assert client.post("/auth/session", json={"id_token": token_for(phone)}).status_code == 204


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def _html(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_sign_out_button_ends_the_session(client, app_context):
    build_world()
    _sign_in(client, MONITOR_A)
    page = _html(client.get(f"/dashboard/units/{PROVINCE_A}"))
    assert "Đăng xuất" in page
    assert client.post("/dashboard/sign-out", data={"csrf_token": "forged"}).status_code == 403
    response = client.post("/dashboard/sign-out", data={"csrf_token": _csrf(page)})
    assert response.status_code == 302 and "/dashboard/sign-in" in response.headers["Location"]
    assert client.get(f"/dashboard/units/{PROVINCE_A}").status_code == 302


@time_machine.travel(NOW, tick=False)
def test_period_picker_offers_past_months_quarters_and_years(client, app_context):
    build_world()
    _sign_in(client, MONITOR_A)
    page = _html(client.get(f"/dashboard/units/{PROVINCE_A}?period=2025-03"))
    assert '<option value="2025-03" selected>Tháng 3/2025</option>' in page
    for key, label in (
        ("2026-11", "Tháng 11/2026"),
        ("2025-Q1", "Quý 1/2025"),
        ("2025", "Năm 2025"),
        ("all", "Toàn bộ thời gian"),
    ):
        assert f'<option value="{key}"' in page and label in page
    assert '<option value="2026-12"' not in page  # no future months
    assert client.get(f"/dashboard/units/{PROVINCE_A}?period=2026-13").status_code == 422


def test_numbers_and_percentages_follow_the_language(client, app_context):
    from flask_babel import force_locale

    from server.formatting import number, percent, score

    with force_locale("vi"):
        assert (number(1148063), percent(0.85), percent(None)) == ("1.148.063", "85,0 %", "—")
        assert (score(60.875), score(30.0), score(1234.5), score(None)) == ("60,88", "30", "1.234,5", "—")
    with force_locale("en"):
        assert (number(1148063), percent(0.85), score(60.875)) == ("1,148,063", "85.0%", "60.88")


def test_unit_page_shows_labels_never_codes_and_no_inline_script_or_style(client, app_context, as_phone):
    world = build_world()
    sign_in(as_phone, MEMBER_A)
    file_request(as_phone, world, service="scam_safety")
    with time_machine.travel("2027-01-10T10:00:00+07:00", tick=False):  # the request is overdue by then
        _sign_in(client, LEADER_A)
        page = _html(client.get(f"/dashboard/units/{COMMUNE_A}"))
    assert "scam_safety" not in re.sub(r'(href|value|data-\w+)="[^"]*"', "", page)
    assert "Số người được hỗ trợ" in page
    assert "<script>" not in page and " style=" not in page and "onclick" not in page


def _requests_page(client, query=""):
    return _html(client.get(f"/dashboard/units/{COMMUNE_A}/requests{query}"))


def test_leader_acts_on_requests_from_the_requests_page(client, app_context, as_phone):
    world = build_world()
    sign_in(as_phone, MEMBER_A, LEADER_A)
    filed = file_request(as_phone, world)
    _sign_in(client, LEADER_A)
    page = _requests_page(client)
    row = _row(page, filed["reference"])
    assert ">mới" in row and "vneid" not in row.replace('value="vneid"', "")
    assert 'value="assign"' in row and 'value="claim"' in row  # what the request rules allow a leader
    response = client.post(
        f"/dashboard/units/{COMMUNE_A}/requests/{filed['id']}",
        data={"csrf_token": _csrf(page), "action": "assign", "version": "1", "assignee": "0900000004"},
    )
    assert response.status_code == 302
    page = _requests_page(client)
    assert f"{filed['reference']} hiện ở trạng thái: đã giao." in page
    row = _row(page, filed["reference"])
    assert "đã gửi" in row and "giao" in row and MEMBER_A in row  # the history and who took it
    stale = client.post(
        f"/dashboard/units/{COMMUNE_A}/requests/{filed['id']}",
        data={"csrf_token": _csrf(page), "action": "start", "version": "1"},
    )
    assert stale.status_code == 302
    assert "Yêu cầu đã thay đổi từ khi bạn xem" in _requests_page(client)


def _row(page: str, reference: str) -> str:
    start = page.index(f'<tr id="{reference}"')
    return page[start : page.index("</tr>", start)]


def test_requests_page_filters_by_status_service_and_overdue(client, app_context, as_phone):
    world = build_world()
    sign_in(as_phone, MEMBER_A)
    vneid = file_request(as_phone, world, service="vneid")
    scam = file_request(as_phone, world, service="scam_safety")
    _sign_in(client, MONITOR_A)
    page = _requests_page(client, "?service=scam_safety")
    assert scam["reference"] in page and vneid["reference"] not in page
    assert vneid["reference"] in _requests_page(client, "?status=new")
    assert vneid["reference"] not in _requests_page(client, "?status=resolved")
    assert vneid["reference"] not in _requests_page(client, "?overdue=yes")
    with time_machine.travel("2030-01-01T00:00:00+07:00", tick=False):
        _sign_in(client, MONITOR_A)
        assert vneid["reference"] in _requests_page(client, "?overdue=yes")
    _sign_in(client, MONITOR_A)  # a session signed in 2030 is not valid in 2026
    assert 'value="claim"' not in page and 'value="assign"' not in page  # monitors only read here
    for bad in ("?status=nonsense", "?service=nonsense", "?overdue=maybe", "?cursor=%00"):
        assert client.get(f"/dashboard/units/{COMMUNE_A}/requests{bad}").status_code == 422


def test_pages_outside_the_callers_area_are_not_found(client, app_context, as_phone):
    world = build_world()
    sign_in(as_phone, MEMBER_A)
    filed = file_request(as_phone, world)
    _sign_in(client, MONITOR_B)
    for path in ("requests", "teams", "report.pdf?period=2026-11"):
        assert client.get(f"/dashboard/units/{COMMUNE_A}/{path}").status_code == 404
    page = _html(client.get("/dashboard/", follow_redirects=True))
    response = client.post(
        f"/dashboard/units/{COMMUNE_A}/requests/{filed['id']}", data={"csrf_token": _csrf(page), "action": "claim"}
    )
    assert response.status_code == 404
    client.post("/auth/session", json={"id_token": token_for(RESIDENT)})
    assert client.get(f"/dashboard/units/{COMMUNE_A}/teams").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_teams_page_shows_members_leaders_and_last_activity(client, app_context, as_phone):
    world = build_world()
    as_phone(MEMBER_A).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
    count_coverage()
    _sign_in(client, LEADER_A)
    page = _html(client.get(f"/dashboard/units/{COMMUNE_A}/teams"))
    team = page[page.index(f'id="team-{world.team_a.id}"') :]
    assert f"Tổ trưởng: {LEADER_A}" in team  # the leader has not set a name yet
    assert "Hoạt động gần nhất: 20/11/2026" in team
    member_row = team[team.index(MEMBER_A) - 200 : team.index(MEMBER_A) + 200]
    assert "20/11/2026" in member_row


def test_leader_adds_and_removes_members_by_phone(client, app_context):
    world = build_world()
    _sign_in(client, LEADER_A)
    page = _html(client.get(f"/dashboard/units/{COMMUNE_A}/teams"))
    assert world.team_a.name in page and MEMBER_A in page
    url = f"/dashboard/units/{COMMUNE_A}/teams/{world.team_a.id}/members"
    assert (
        client.post(
            url, data={"csrf_token": _csrf(page), "phone": "0912 345 678", "display_name": "Chị Mai"}
        ).status_code
        == 302
    )
    member = db.session.query(TeamMember).filter_by(phone="+84912345678").one()
    page = _html(client.get(f"/dashboard/units/{COMMUNE_A}/teams"))
    assert "Chị Mai" in page
    client.post(url, data={"csrf_token": _csrf(page), "phone": "not a phone"})
    assert "không hợp lệ" in _html(client.get(f"/dashboard/units/{COMMUNE_A}/teams")).lower()
    assert client.post(f"{url}/{member.id}/remove", data={"csrf_token": _csrf(page)}).status_code == 302
    db.session.expire_all()
    assert db.session.query(TeamMember).filter_by(phone="+84912345678").count() == 0


def test_monitor_sees_teams_but_cannot_change_them(client, app_context):
    world = build_world()
    _sign_in(client, MONITOR_A)
    page = _html(client.get(f"/dashboard/units/{PROVINCE_A}/teams"))
    assert world.team_a.name in page and "add-member" not in page
    response = client.post(
        f"/dashboard/units/{PROVINCE_A}/teams/{world.team_a.id}/members",
        data={"csrf_token": _csrf(page), "phone": "0912345678"},
    )
    assert response.status_code == 302
    assert db.session.query(TeamMember).filter_by(phone="+84912345678").count() == 0


@time_machine.travel(NOW, tick=False)
def test_monthly_report_is_a_pdf_for_one_month(client, app_context):
    build_world()
    _sign_in(client, MONITOR_A)
    response = client.get(f"/dashboard/units/{COMMUNE_A}/report.pdf?period=2026-11")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert client.get(f"/dashboard/units/{COMMUNE_A}/report.pdf?period=2026-Q4").status_code == 422
    text = _pdf_text(response.data)
    for expected in ("Báo cáo tháng", "Xã Lũng Cú", "Tháng 11/2026", "Chỉ tiêu", "Điểm cần quan tâm"):
        assert expected in text, expected


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


PAGES_OF_COMMUNE_A = [
    "",
    "/requests",
    "/teams",
    "/report.pdf?period=2026-11",
    "/export.csv",
    "/export.xlsx?indicator=people_helped",
]
READERS = {"leader_a", "monitor_a", "admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_every_dashboard_page_of_a_commune_is_for_its_readers_only(actor, client, app_context):
    build_world()
    if ACTORS[actor]:
        _sign_in(client, ACTORS[actor])
    for path in PAGES_OF_COMMUNE_A:
        response = client.get(f"/dashboard/units/{COMMUNE_A}{path}")
        if actor == "anonymous":
            assert response.status_code == 302 and "/dashboard/sign-in" in response.headers["Location"], path
        elif actor in READERS:
            assert response.status_code == 200, (path, response.status_code)
        else:
            assert response.status_code == 404, (path, response.status_code)


def test_a_unit_of_ones_own_in_the_address_does_not_open_another_areas_objects(client, app_context, as_phone):
    from tests.factories import COMMUNE_B, LEADER_B

    world = build_world()
    sign_in(as_phone, MEMBER_A)
    filed = file_request(as_phone, world)
    _sign_in(client, LEADER_B)
    page = _html(client.get(f"/dashboard/units/{COMMUNE_B}/teams"))
    token = _csrf(page)
    assert (
        client.post(
            f"/dashboard/units/{COMMUNE_B}/requests/{filed['id']}", data={"csrf_token": token, "action": "claim"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/dashboard/units/{COMMUNE_B}/teams/{world.team_a.id}/members",
            data={"csrf_token": token, "phone": "0912345678"},
        ).status_code
        == 404
    )
    member = db.session.query(TeamMember).filter_by(team_id=world.team_a.id, phone=MEMBER_A).one()
    assert (
        client.post(
            f"/dashboard/units/{COMMUNE_B}/teams/{world.team_a.id}/members/{member.id}/remove",
            data={"csrf_token": token},
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.query(TeamMember).filter_by(team_id=world.team_a.id).count() == 1


def test_new_pages_speak_english_when_chosen(client, app_context, as_phone):
    world = build_world()
    sign_in(as_phone, MEMBER_A)
    file_request(as_phone, world, service="scam_safety")
    _sign_in(client, LEADER_A)
    client.get("/dashboard/lang/en")
    requests_page = _html(client.get(f"/dashboard/units/{COMMUNE_A}/requests"))
    assert "Sign out" in requests_page and "Help requests" in requests_page and ">new" in requests_page
    assert "Online safety and avoiding scams" in requests_page
    teams_page = _html(client.get(f"/dashboard/units/{COMMUNE_A}/teams"))
    assert "Add member" in teams_page and "Leaders:" in teams_page
    with time_machine.travel(NOW, tick=False):
        _sign_in(client, LEADER_A)
        report = client.get(f"/dashboard/units/{COMMUNE_A}/report.pdf?period=2026-11")
    assert "Monthly report of Xã Lũng Cú, Month 11/2026" in _pdf_text(report.data)
