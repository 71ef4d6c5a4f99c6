import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from server.coverage.periods import InvalidPeriod, is_month, parse_period, period_keys, wider_periods
from server.extensions import db
from server.units.services import get_unit
from tests.activity_factories import activity_item, count_coverage, make_resident
from tests.clock import frozen_at, vietnam_time
from tests.factories import ADMIN, COMMUNE_A, LEADER_A, MEMBER_A, MONITOR_A, build_world, make_team, make_unit


def _figures(api, code, period="all"):
    response = api.get(f"/coverage/{code}?period={period}")
    assert response.status_code == 200, response.get_json()
    return {item["indicator"]: item for item in response.get_json()["items"]}


def test_periods_are_months_quarters_years_in_vietnam_time():
    # 2026-03-31 20:00 UTC is already 1 April in Vietnam.
    assert period_keys(datetime(2026, 3, 31, 20, 0, tzinfo=UTC)) == ("2026-04", "2026-Q2", "2026", "all")
    assert parse_period("2026-Q4").start == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)
    for bad in ("2026-13", "26", "2026-Q5", "", "all-time"):
        with pytest.raises(InvalidPeriod):
            parse_period(bad)


def test_a_months_wider_periods_are_those_of_its_moments():
    """The worker inserts a new month mark's quarter, year and all-time marks from the month's key."""
    for month in range(1, 13):
        moment = datetime(2026, month, 15, 12, 0, tzinfo=UTC)
        keys = period_keys(moment)
        assert wider_periods(keys[0]) == keys[1:]
        assert is_month(keys[0]) and not any(is_month(key) for key in keys[1:])


def test_rate_uses_the_population_and_is_null_when_unknown(as_phone, app_context):
    world = build_world()
    other = make_unit(COMMUNE_A, "Thôn Thèn Pả")
    db.session.commit()
    resident = make_resident(world.village_a.code, MEMBER_A).id
    as_phone(MEMBER_A).post(
        "/activities/batch",
        json={"items": [activity_item(world.village_a.code, resident, action="setup_payment", service="bank_app")]},
    )
    count_coverage()
    leader = as_phone(LEADER_A)
    assert _figures(leader, COMMUNE_A)["payments_enabled"]["rate"] is None  # no population anywhere yet
    leader.patch(f"/units/{world.village_a.code}", json={"population": 400})
    figures = _figures(leader, COMMUNE_A)["payments_enabled"]
    assert (figures["numerator"], figures["denominator"], figures["rate"]) == (1, None, None)  # Thèn Pả unknown
    leader.patch(f"/units/{other.code}", json={"population": 100})
    figures = _figures(leader, COMMUNE_A)["payments_enabled"]
    assert (figures["numerator"], figures["denominator"], figures["rate"]) == (1, 500, 0.002)
    leader.patch(f"/units/{COMMUNE_A}", json={"population": 2000})  # the commune's own figure wins
    assert _figures(leader, COMMUNE_A)["payments_enabled"]["denominator"] == 2000


def test_target_of_the_nearest_ancestor_applies(as_phone, app_context):
    world = build_world()
    admin, monitor = as_phone(ADMIN), as_phone(MONITOR_A)
    assert (
        admin.put(
            "/coverage-targets",
            json={
                "unit": "VN",
                "indicator": "payments_enabled",
                "rate": 0.8,
                "deadline": "2026-12-31",
                "note": "Quyết định 411",
            },
        ).status_code
        == 200
    )
    assert _figures(monitor, COMMUNE_A)["payments_enabled"]["target"]["unit"] == "VN"
    assert (
        monitor.put(
            "/coverage-targets",
            json={"unit": "08", "indicator": "payments_enabled", "rate": 0.85, "deadline": "2026-12-31"},
        ).status_code
        == 200
    )
    target = _figures(monitor, world.village_a.code)["payments_enabled"]["target"]
    assert (target["unit"], target["rate"]) == ("08", 0.85)


def test_targets_are_refused_for_counts_and_bad_rates(as_phone, app_context):
    build_world()
    admin = as_phone(ADMIN)
    for body in (
        {"indicator": "public_services_submitted", "rate": 0.5},
        {"indicator": "payments_enabled", "rate": 1.5},
        {"indicator": "payments_enabled", "rate": 0},
        {"indicator": "nope", "rate": 0.5},
    ):
        response = admin.put("/coverage-targets", json={"unit": "08", "deadline": "2026-12-31", **body})
        assert response.status_code == 422, body


def test_unknown_period_is_a_field_error(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A, "en").get(f"/coverage/{COMMUNE_A}?period=last-week")
    assert response.status_code == 422
    assert "period" in response.get_json()["errors"]


def test_gaps_list_quiet_villages_and_idle_teams(as_phone, app_context):
    world = build_world()
    quiet = make_unit(COMMUNE_A, "Thôn Séo Lủng")
    db.session.commit()
    leader = as_phone(LEADER_A)
    gaps = leader.get(f"/coverage/{COMMUNE_A}/gaps").get_json()
    assert {v["unit"]["code"] for v in gaps["quiet_villages"]} == {world.village_a.code, quiet.code}
    assert [t["id"] for t in gaps["idle_teams"]] == [world.team_a.id]
    long_ago = (datetime.now(UTC) - timedelta(days=120)).isoformat()
    sent = leader.post(
        "/activities/batch",
        json={
            "items": [
                activity_item(world.village_a.code, occurred_at=long_ago),
                activity_item(quiet.code, occurred_at=long_ago, outcome="failed", blocker="weak_signal"),
            ]
        },
    )
    assert [r["status"] for r in sent.get_json()["results"]] == ["created", "created"]
    count_coverage()
    gaps = leader.get(f"/coverage/{COMMUNE_A}/gaps").get_json()
    assert {v["unit"]["code"]: v["last_activity"][:10] for v in gaps["quiet_villages"]} == {
        world.village_a.code: long_ago[:10],
        quiet.code: long_ago[:10],
    }  # four months ago: still a gap
    assert [t["id"] for t in gaps["idle_teams"]] == [world.team_a.id]
    as_phone(MEMBER_A).post(
        "/activities/batch",
        json={
            "items": [
                activity_item(world.village_a.code),
                activity_item(world.village_a.code, outcome="failed", blocker="no_smartphone"),
                activity_item(world.village_a.code, outcome="failed", blocker="no_smartphone"),
            ]
        },
    )
    count_coverage()
    gaps = leader.get(f"/coverage/{COMMUNE_A}/gaps").get_json()
    assert [v["unit"]["code"] for v in gaps["quiet_villages"]] == [quiet.code]
    assert gaps["idle_teams"] == []
    assert gaps["blockers"] == [{"blocker": "no_smartphone", "count": 2}]  # weak signal: four months ago


@time_machine.travel("2026-11-20T10:00:00+07:00", tick=False)
def test_csv_and_xlsx_exports(as_phone, app_context):
    world = build_world()
    as_phone(MEMBER_A).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
    count_coverage()
    leader = as_phone(LEADER_A)
    csv_response = leader.get(f"/coverage/{COMMUNE_A}/children?indicator=villages_reached&format=csv")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv_response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[:5] == [
        '"Thôn, tổ dân phố được hỗ trợ tại các đơn vị thuộc Xã Lũng Cú"',
        "Đơn vị,Xã Lũng Cú (00715)",
        "Kỳ báo cáo,Toàn bộ thời gian",
        "Lập lúc,20/11/2026 10:00",
        "",
    ]
    assert lines[5] == "Mã,Đơn vị,Đạt được,Trên tổng số,Tỷ lệ"
    assert f"{world.village_a.code},Thôn Lô Lô Chải,1,1,1.0" in lines
    xlsx = leader.get(f"/coverage/{COMMUNE_A}?format=xlsx&period=2026-11")
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mức độ bao phủ của Xã Lũng Cú" and rows[2][:2] == ("Kỳ báo cáo", "Tháng 11/2026")
    assert rows[5][0] == "Chỉ tiêu" and sheet.freeze_panes == "A7"
    villages = next(row for row in sheet.iter_rows(min_row=7) if row[0].value == "Thôn, tổ dân phố được hỗ trợ")
    assert [cell.value for cell in villages[1:4]] == [1, 1, 1]
    assert villages[3].number_format == "0.0%"  # a percentage cell, not 1 or "100 %"
    assert sheet.column_dimensions["A"].width > 30


def test_population_csv_import(app, app_context, tmp_path):
    world = build_world()
    good = tmp_path / "population.csv"
    good.write_text(
        f"code,population,households\n{COMMUNE_A},5200,1100\n{world.village_a.code},480,\n", encoding="utf-8"
    )
    result = app.test_cli_runner().invoke(args=["units", "population", str(good)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert (get_unit(COMMUNE_A).population, get_unit(COMMUNE_A).households) == (5200, 1100)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"code,population\n{COMMUNE_A},7000\nXXXX,10\n{world.village_a.code},many\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["units", "population", str(bad)])
    assert result.exit_code != 0 and "XXXX" in result.output and "many" in result.output
    db.session.expire_all()
    assert get_unit(COMMUNE_A).population == 5200  # one bad row changes nothing


def test_series_by_month(as_phone, app_context):
    world = build_world()
    as_phone(MEMBER_A).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
    count_coverage()
    series = as_phone(LEADER_A).get(f"/coverage/{COMMUNE_A}/series?indicator=active_members&months=3").get_json()
    assert [(p["period"], p["numerator"]) for p in series] == [("2026-09", 0), ("2026-10", 0), ("2026-11", 1)]


def test_series_in_the_first_hours_of_a_month_in_vietnam(as_phone, app_context):
    """At 00:30 on 1 December in Vietnam (still 30 November in UTC) the series ends with December;
    help given three hours earlier, at 21:30 on 30 November, is November's."""
    world = build_world()
    with frozen_at(vietnam_time(2026, 12, 1, 0, 30)):
        as_phone(MEMBER_A).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
        count_coverage()
        api = as_phone(LEADER_A)
        series = api.get(f"/coverage/{COMMUNE_A}/series?indicator=active_members&months=2").get_json()
        assert [(p["period"], p["numerator"]) for p in series] == [("2026-11", 1), ("2026-12", 0)]
        api.post(
            "/activities/batch",
            json={
                "items": [activity_item(world.village_a.code, occurred_at=vietnam_time(2026, 12, 1, 0, 10).isoformat())]
            },
        )
        count_coverage()
        series = api.get(f"/coverage/{COMMUNE_A}/series?indicator=active_members&months=2").get_json()
        assert [(p["period"], p["numerator"]) for p in series] == [("2026-11", 1), ("2026-12", 1)]


def test_months_quarters_and_years_end_at_midnight_in_vietnam(as_phone, app_context):
    world = build_world()
    moments = [
        vietnam_time(2026, 9, 30, 23, 59),
        vietnam_time(2026, 10, 1, 0, 30),  # Q3 | Q4
        vietnam_time(2026, 12, 31, 23, 59),
        vietnam_time(2027, 1, 1, 0, 30),
    ]  # 2026 | 2027
    with frozen_at(vietnam_time(2027, 1, 1, 2, 0)):
        response = as_phone(MEMBER_A).post(
            "/activities/batch",
            json={
                "items": [
                    activity_item(
                        world.village_a.code,
                        action="submit_public_service",
                        service="dichvucong",
                        occurred_at=moment.isoformat(),
                    )
                    for moment in moments
                ]
            },
        )
        assert response.get_json()["created"] == 4
        count_coverage()
        api = as_phone(LEADER_A)
        expected = {
            "2026-09": 1,
            "2026-10": 1,
            "2026-11": 0,
            "2026-12": 1,
            "2027-01": 1,
            "2026-Q3": 1,
            "2026-Q4": 2,
            "2027-Q1": 1,
            "2026": 3,
            "2027": 1,
            "all": 4,
        }
        counted = {
            period: _figures(api, COMMUNE_A, period)["public_services_submitted"]["numerator"] for period in expected
        }
        assert counted == expected


def test_requests_on_time_and_median_resolution(as_phone, app_context):
    from datetime import timedelta

    from server.requests.models import HelpRequest

    world = build_world()
    resident = as_phone("+84911222333")
    created = []
    for hours_taken, within_sla in ((10, True), (30, True), (100, False)):
        body = resident.post(
            "/help-requests",
            json={
                "id": str(__import__("uuid").uuid4()),
                "unit": world.village_a.code,
                "service": "vneid",
                "description": "Không đăng nhập được VNeID",
            },
        ).get_json()
        request = db.session.get(HelpRequest, __import__("uuid").UUID(body["id"]))
        request.status, request.resolved_at = "resolved", request.created_at + timedelta(hours=hours_taken)
        if not within_sla:
            request.resolution_due_at = request.created_at + timedelta(hours=72)
        created.append(request)
    db.session.commit()
    figures = _figures(as_phone(LEADER_A), COMMUNE_A)
    on_time = figures["requests_on_time"]
    assert (on_time["numerator"], on_time["denominator"], on_time["rate"]) == (2, 3, 0.6667)
    assert figures["median_resolution_hours"]["rate"] == 30.0
    children = as_phone(LEADER_A).get(f"/coverage/{COMMUNE_A}/children?indicator=requests_on_time").get_json()
    assert [(c["unit"]["code"], c["numerator"], c["denominator"]) for c in children["items"]] == [
        (world.village_a.code, 2, 3)
    ]


def test_active_members_are_compared_with_team_members_and_leaders(as_phone, app_context):
    world = build_world()
    as_phone(MEMBER_A).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
    count_coverage()
    leader = as_phone(LEADER_A)
    figure = _figures(leader, COMMUNE_A)["active_members"]
    assert (figure["numerator"], figure["denominator"]) == (1, 2)  # the member and the commune's leader
    children = leader.get(f"/coverage/{COMMUNE_A}/children?indicator=active_members").get_json()["items"]
    assert [(c["unit"]["code"], c["numerator"], c["denominator"]) for c in children] == [(world.village_a.code, 1, 1)]


def _active(api, code):
    figure = _figures(api, code)["active_members"]
    return figure["numerator"], figure["denominator"], figure["rate"]


def test_a_commune_leader_helping_in_a_village_is_active_in_the_commune_not_the_village(as_phone, app_context):
    world = build_world()
    as_phone(LEADER_A).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
    count_coverage()
    monitor = as_phone(MONITOR_A)
    assert _active(monitor, world.village_a.code) == (0, 1, 0.0)  # its one member did nothing
    assert _active(monitor, COMMUNE_A) == (1, 2, 0.5)
    assert _active(monitor, "08") == (1, 2, 0.5)


def test_a_member_of_another_team_counts_in_their_own_area(as_phone, app_context):
    """A member of the commune's team helps in village A: active in the commune, not in the village."""
    world = build_world()
    make_team(COMMUNE_A, "Tổ CNS xã Lũng Cú", ("+84900000031",))
    db.session.commit()
    for phone in ("+84900000031", MEMBER_A):
        response = as_phone(phone).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
        assert response.get_json()["created"] == 1
    count_coverage()
    monitor = as_phone(MONITOR_A)
    assert _active(monitor, world.village_a.code) == (1, 1, 1.0)  # was 2/1, drawn as 200 %
    assert _active(monitor, COMMUNE_A) == (2, 3, 0.6667)  # both members and the (idle) commune leader
    children = monitor.get(f"/coverage/{COMMUNE_A}/children?indicator=active_members").get_json()["items"]
    assert [(c["numerator"], c["denominator"]) for c in children] == [(1, 1)]


def test_a_village_without_its_own_team_has_no_active_members_rate(as_phone, app_context):
    build_world()
    teamless = make_unit(COMMUNE_A, "Thôn Séo Lủng")
    db.session.commit()
    response = as_phone(LEADER_A).post("/activities/batch", json={"items": [activity_item(teamless.code)]})
    assert response.get_json()["created"] == 1
    count_coverage()
    assert _active(as_phone(MONITOR_A), teamless.code) == (0, 0, None)  # was 1/0
    assert _active(as_phone(MONITOR_A), COMMUNE_A) == (1, 2, 0.5)


def test_a_rate_never_exceeds_100_percent(as_phone, app_context):
    """A member who leaves after recording stays counted for the period; the rate stops at 100 %."""
    world = build_world()
    as_phone(MEMBER_A).post("/activities/batch", json={"items": [activity_item(world.village_a.code)]})
    count_coverage()
    leader = as_phone(LEADER_A)
    member = leader.get(f"/teams/{world.team_a.id}/members").get_json()["items"][0]
    assert leader.delete(f"/teams/{world.team_a.id}/members/{member['id']}").status_code == 204
    make_team(world.village_a.code, "Tổ mới", ("+84900000032",))
    db.session.commit()
    assert _active(as_phone(MONITOR_A), world.village_a.code) == (1, 1, 1.0)
    leader.delete(f"/teams/{world.team_a.id}/members/999999")
    db.session.commit()
