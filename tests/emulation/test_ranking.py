"""Rankings read from the monthly tallies equal a recount from the raw records; ties, zero
entries, periods in Vietnam's calendar, scope and bad input."""

import uuid
from collections import defaultdict

import pytest
from sqlalchemy import select

from server.activities.models import Activity
from server.auth.models import User
from server.coverage.periods import VIETNAM, parse_period
from server.emulation.criteria import current_criteria
from server.emulation.ranking import rank
from server.extensions import db
from server.residents.models import Resident
from server.units.services import get_unit
from tests.activity_factories import activity_item, count_coverage
from tests.emulation.conftest import MEMBER_2, MEMBER_3, MEMBER_IDLE
from tests.factories import (
    COMMUNE_A,
    LEADER_A,
    LEADER_B,
    MEMBER_A,
    MEMBER_B,
    MONITOR_A,
    MONITOR_B,
    PROVINCE_A,
    RESIDENT,
)

PERIODS = ["2026-09", "2026-10", "2026-11", "2026-12", "2026-Q3", "2026-Q4", "2026"]


def _recount(period_key: str, phones: list[str], population: dict[str, int]) -> dict[str, dict]:
    """people_helped, people_per_100, days_active and pursued of each member, from the raw records."""
    criteria = current_criteria()
    period = parse_period(period_key)
    superseded = set(db.session.scalars(select(Activity.supersedes_id).where(Activity.supersedes_id.is_not(None))))
    merged = dict(db.session.execute(select(Resident.id, Resident.merged_into_id)).all())
    values = {}
    for phone in phones:
        user_id = db.session.scalar(select(User.id).where(User.phone == phone))
        rows = [
            a
            for a in db.session.scalars(select(Activity).where(Activity.member_id == user_id))
            if a.id not in superseded and period.start <= a.occurred_at < period.end
        ]
        by_month = defaultdict(list)
        for a in rows:
            by_month[a.occurred_at.astimezone(VIETNAM).strftime("%Y-%m")].append(a)
        weighted = people = days = pursued = 0
        for month_rows in by_month.values():
            days += len({a.occurred_at.astimezone(VIETNAM).date() for a in month_rows})
            everyone = set()
            for service in {a.service for a in month_rows}:
                done = [a for a in month_rows if a.service == service and a.outcome == "succeeded"]
                named = {merged.get(a.resident_id) or a.resident_id for a in done if a.resident_id}
                count = len(named) + sum(a.people or 0 for a in done if not a.resident_id)
                weighted += criteria.service_weight(service) * count
                people += sum(a.people or 0 for a in done if not a.resident_id)
                everyone |= named
                for resident in named:
                    blocked = [
                        a.occurred_at
                        for a in month_rows
                        if a.service == service
                        and a.blocker
                        and (merged.get(a.resident_id) or a.resident_id) == resident
                    ]
                    won = [a.occurred_at for a in done if (merged.get(a.resident_id) or a.resident_id) == resident]
                    pursued += bool(blocked and max(won) > min(blocked))
            people += len(everyone)
        values[phone] = {
            "people_helped": round(weighted, 2),
            "days_active": days,
            "pursued": pursued,
            "people_per_100": round(people * 100 / population[phone], 2),
        }
    return values


@pytest.mark.parametrize("period", PERIODS)
def test_ranking_equals_a_recount_from_raw_records(history, period):
    ranking = rank(get_unit(COMMUNE_A), parse_period(period), "members")
    population = {MEMBER_A: 250, MEMBER_2: 400, MEMBER_3: 400, MEMBER_IDLE: 400}
    expected = _recount(period, list(population), population)
    by_name = {e.ref["id"]: e for e in ranking.items}
    assert len(ranking.items) == 4
    from server.teams.models import TeamMember

    for phone, values in expected.items():
        member_id = db.session.scalar(select(TeamMember.id).where(TeamMember.phone == phone))
        got = by_name[member_id].values
        assert {code: got[code] for code in values} == values, (period, phone)
    # The score is the weighted share of the best value, and ranks follow the scores.
    weights = {c.code: c.weight for c in ranking.criteria}
    for entry in ranking.items:
        expected_score = 0.0
        for code, weight in weights.items():
            best = max(e.values[code] or 0 for e in ranking.items)
            expected_score += round(weight * (entry.values[code] or 0) / best, 2) if best else 0
        assert entry.score == pytest.approx(expected_score, abs=0.011)
    scores = [e.score for e in ranking.items]
    assert scores == sorted(scores, reverse=True)


def test_the_edges_of_a_month_are_vietnams(history, as_phone):
    """00:30 on 1 October in Vietnam (17:30 UTC on 30 September) is October; 23:30 on 30 September is not."""
    village = history.village_2.code
    items = [
        activity_item(village, people=3, occurred_at="2026-09-30T17:30:00+00:00"),
        activity_item(village, people=3, occurred_at="2026-09-30T23:30:00+07:00"),
    ]
    assert as_phone(MEMBER_IDLE).post("/activities/batch", json={"items": items}).status_code == 200
    count_coverage()

    def days(period):
        ranking = rank(get_unit(COMMUNE_A), parse_period(period), "members")
        return next(e.values for e in ranking.items if e.ref["name"].endswith("0023"))

    for period in ("2026-09", "2026-10", "2026-Q3", "2026-Q4"):
        assert days(period)["days_active"] == 1, period
        assert days(period)["people_helped"] == 6, period  # 3 people helped with VNeID, which weighs 2
    assert days("2026")["days_active"] == 2


def test_ties_share_a_rank_and_idle_members_score_zero(history, as_phone):
    body = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2025-05").get_json()
    assert len(body["items"]) == 4
    assert {item["score"] for item in body["items"]} == {0}
    assert {item["rank"] for item in body["items"]} == {1}
    idle = [
        i
        for i in as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026-Q4").get_json()["items"]
        if i["member"]["name"].endswith("0023")
    ]
    assert idle[0]["score"] == 0 and idle[0]["criteria"]["days_active"] == {"value": 0, "points": 0}
    assert idle[0]["rank"] == 4


def test_answer_shows_criteria_weights_and_formula(history, as_phone):
    body = as_phone(MONITOR_A).get(f"/emulation/{COMMUNE_A}?period=2026-Q4&of=members").get_json()
    assert body["unit"]["code"] == COMMUNE_A and body["period"] == "2026-Q4" and body["of"] == "members"
    assert [c["code"] for c in body["criteria"]] == [
        "people_helped",
        "people_per_100",
        "requests_on_time",
        "rating",
        "days_active",
        "trainings",
        "pursued",
    ]
    assert sum(c["weight"] for c in body["criteria"]) == 100
    assert body["criteria"][0]["label"].startswith("Số người")
    assert "trọng số" in body["formula"]
    first = body["items"][0]
    assert first["rank"] == 1 and set(first["criteria"]) == {c["code"] for c in body["criteria"]}
    assert first["score"] == pytest.approx(sum(v["points"] for v in first["criteria"].values()), abs=0.01)
    member_a = next(i for i in body["items"] if i["member"]["team"]["name"] == "Tổ CNS Lô Lô Chải")
    assert member_a["criteria"]["requests_on_time"]["value"] == 3
    assert member_a["criteria"]["rating"]["value"] == pytest.approx(4.67)
    named = [i for i in body["items"] if i["member"]["name"] == "Giàng Thị Mai"]
    assert len(named) == 1
    english = as_phone(MONITOR_A, "en").get(f"/emulation/{COMMUNE_A}?period=2026-Q4").get_json()
    assert english["criteria"][0]["label"].startswith("People helped")


def test_teams_ranking(history, as_phone):
    body = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026&of=teams").get_json()
    names = {item["team"]["name"] for item in body["items"]}
    assert names == {"Tổ CNS Lô Lô Chải", "Tổ CNS Thèn Pả"}
    members = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026").get_json()["items"]
    team_2 = next(i for i in body["items"] if i["team"]["name"] == "Tổ CNS Thèn Pả")
    in_team_2 = [i for i in members if i["member"]["team"]["name"] == "Tổ CNS Thèn Pả"]
    assert team_2["criteria"]["days_active"]["value"] == sum(i["criteria"]["days_active"]["value"] for i in in_team_2)
    assert team_2["criteria"]["requests_on_time"]["value"] == 0
    assert "member" not in team_2


def test_scope(history, as_phone):
    world = history.world
    # A member sees only their own team's ranking, at their team's unit.
    mine = as_phone(MEMBER_A).get(f"/emulation/{world.village_a.code}?period=2026-Q4").get_json()
    assert [i["member"]["team"]["name"] for i in mine["items"]] == ["Tổ CNS Lô Lô Chải"]
    assert as_phone(MEMBER_A).get(f"/emulation/{COMMUNE_A}?period=2026-Q4").status_code == 404
    assert as_phone(MEMBER_A).get(f"/emulation/{history.village_2.code}?period=2026-Q4").status_code == 404
    assert as_phone(MEMBER_2).get(f"/emulation/{history.village_2.code}?period=2026-Q4").status_code == 200
    # Leaders their commune; monitors their area; nobody else's.
    assert as_phone(MONITOR_A).get(f"/emulation/{PROVINCE_A}?period=2026-Q4").status_code == 200
    for phone in (LEADER_B, MONITOR_B, MEMBER_B, RESIDENT):
        response = as_phone(phone).get(f"/emulation/{COMMUNE_A}?period=2026-Q4")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert as_phone(None).get(f"/emulation/{COMMUNE_A}?period=2026-Q4").status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        "period=all",
        "period=2026-13",
        "period=26",
        "",
        "period=2026-Q4&of=villages",
        "period=2026-Q4&format=doc",
        "period=2026-Q4&sort=score",
    ],
)
def test_bad_input_is_a_problem(history, as_phone, query):
    response = as_phone(LEADER_A, "en").get(f"/emulation/{COMMUNE_A}?{query}")
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"


def test_unknown_unit_is_404(history, as_phone):
    assert as_phone(LEADER_A).get("/emulation/99999999?period=2026").status_code == 404


def test_a_merge_of_two_residents_counts_them_once(history, as_phone):
    village = history.world.village_a.code
    first = (
        as_phone(LEADER_A)
        .post(
            "/residents",
            json={"id": str(uuid.uuid4()), "unit": village, "consent": True, "name": "Vàng Thị Dí", "birth_year": 1970},
        )
        .get_json()
    )
    second = (
        as_phone(LEADER_A)
        .post(
            "/residents",
            json={"id": str(uuid.uuid4()), "unit": village, "consent": True, "name": "Vang Thi Di", "birth_year": 1970},
        )
        .get_json()
    )
    items = [
        activity_item(village, resident["id"], service="vneid", occurred_at="2026-11-10T09:00:00+07:00")
        for resident in (first, second)
    ]
    assert as_phone(MEMBER_A).post("/activities/batch", json={"items": items}).status_code == 200
    count_coverage()

    def helped():
        ranking = rank(get_unit(COMMUNE_A), parse_period("2026-11"), "members")
        return next(e.values["people_helped"] for e in ranking.items if e.ref["team"]["name"] == "Tổ CNS Lô Lô Chải")

    before = helped()
    assert (
        as_phone(LEADER_A).post(f"/residents/{first['id']}/merge", json={"duplicate": second["id"]}).status_code == 200
    )
    assert helped() == before - 2  # one person, helped with VNeID (weight 2), not two


def test_rebuild_gives_the_tallies_the_worker_kept(history):
    from server.emulation.models import EmulationTally
    from server.emulation.tallies import rebuild_tallies

    def tallies():
        return sorted(
            tuple(row)
            for row in db.session.execute(
                select(
                    EmulationTally.member_id,
                    EmulationTally.month,
                    EmulationTally.service,
                    EmulationTally.people,
                    EmulationTally.successes,
                    EmulationTally.pursued,
                    EmulationTally.days,
                )
            )
        )

    kept = tallies()
    assert len(kept) > 30
    assert rebuild_tallies() == len({(row[0], row[1]) for row in kept})
    assert tallies() == kept
