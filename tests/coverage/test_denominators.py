"""Denominators are kept on write: after any sequence of changes through the API they equal a
recount of the whole tree, and what coverage shows follows them."""

import threading

from sqlalchemy import select, update

from server.coverage.denominators import rebuild_denominators
from server.coverage.models import CoverageDenominator
from server.extensions import db
from server.units.official import OfficialUnit, import_official_units, official_units
from tests.conftest import ApiClient
from tests.factories import ADMIN, COMMUNE_A, LEADER_A, MONITOR_A, PROVINCE_A, build_world, make_team, make_unit


def _stored() -> dict:
    db.session.expire_all()
    return {
        d.unit_code: (d.population, d.households, d.villages, d.members)
        for d in db.session.scalars(select(CoverageDenominator))
        if (d.population, d.households, d.villages, d.members) != (None, None, 0, 0)
    }


def _recounted() -> dict:
    rebuild_denominators()
    recounted = _stored()
    db.session.rollback()
    return recounted


def _figure(api, code: str, indicator: str) -> dict:
    response = api.get(f"/coverage/{code}?period=all")
    assert response.status_code == 200, response.get_json()
    return next(item for item in response.get_json()["items"] if item["indicator"] == indicator)


def test_changes_through_the_api_keep_the_denominators_equal_to_a_recount(as_phone, app_context):
    world = build_world()
    leader, admin, monitor = as_phone(LEADER_A), as_phone(ADMIN), as_phone(MONITOR_A)
    assert _stored() == _recounted()

    created = leader.post(
        "/units", json={"parent": COMMUNE_A, "name": "Thôn Séo Lủng", "population": 300, "households": 70}
    )
    assert created.status_code == 201, created.get_json()
    new_village = created.get_json()["code"]
    assert (
        leader.patch(f"/units/{world.village_a.code}", json={"population": 450, "households": 100}).status_code == 200
    )
    assert _stored() == _recounted()
    assert _stored()[COMMUNE_A] == (750, 170, 2, 2)  # both villages known: their sum; the member and the leader
    assert _figure(monitor, PROVINCE_A, "people_helped")["denominator"] is None  # other communes are unknown

    team = leader.post("/teams", json={"unit": new_village, "name": "Tổ CNS Séo Lủng"}).get_json()
    first = leader.post(f"/teams/{team['id']}/members", json={"phone": "+84900000201"}).get_json()
    # Already a member in Lô Lô Chải: still one person in the commune.
    leader.post(f"/teams/{team['id']}/members", json={"phone": world.team_a.members[0].phone})
    assert _stored()[COMMUNE_A][3] == 3
    assert _stored()[new_village][3] == 2
    assert leader.delete(f"/teams/{team['id']}/members/{first['id']}").status_code == 204
    grant = admin.post("/role-grants", json={"phone": "+84900000202", "role": "team_leader", "unit": COMMUNE_A})
    assert grant.status_code == 201, grant.get_json()
    assert _stored()[COMMUNE_A][3] == 3 and _stored()[PROVINCE_A][3] == 3
    assert _stored() == _recounted()
    assert admin.delete(f"/role-grants/{grant.get_json()['id']}").status_code == 204
    assert leader.patch(f"/units/{new_village}", json={"population": None}).status_code == 200
    assert _stored()[COMMUNE_A][0] is None  # one village unknown: no made-up sum
    assert _stored() == _recounted()
    assert _figure(leader, COMMUNE_A, "active_members")["denominator"] == 2
    assert _figure(leader, COMMUNE_A, "villages_reached")["denominator"] == 2


def test_population_csv_import_recounts_the_areas_above(app, app_context, tmp_path):
    world = build_world()
    csv_file = tmp_path / "population.csv"
    csv_file.write_text(
        f"code,population,households\n{world.village_a.code},480,120\n{world.village_b.code},900,\n", encoding="utf-8"
    )
    result = app.test_cli_runner().invoke(args=["units", "population", str(csv_file)])
    assert result.exit_code == 0, result.output
    stored = _stored()
    assert stored[COMMUNE_A][:2] == (480, 120) and stored[world.village_b.code][:2] == (900, None)
    assert stored == _recounted()


def test_official_import_that_moves_a_commune_recounts_both_provinces(app_context):
    world = build_world()
    db.session.expire_all()
    source = [
        OfficialUnit(u.code, u.name, u.level, u.kind, "01" if u.code == COMMUNE_A else u.parent_code)
        for u in official_units()
    ]
    try:
        import_official_units(source)
        stored = _stored()
        assert stored["01"][2:] == (2, 4)  # villages A and B; member, leader of each commune
        assert PROVINCE_A not in stored  # nothing left to count in Tuyên Quang
        assert stored == _recounted()
    finally:
        db.session.rollback()
    assert world.village_a.code in _stored()


def test_simultaneous_population_changes_in_one_commune_add_up(app, app_context):
    """Each change recounts the commune from its villages' stored figures: the second writer must
    see the first's, or the commune keeps a stale sum."""
    world = build_world()
    leader = [ApiClient(app.test_client(), LEADER_A) for _ in range(8)]
    villages = [
        leader[0]
        .post("/units", json={"parent": COMMUNE_A, "name": f"Thôn Mới {i}", "population": 1})
        .get_json()["code"]
        for i in range(8)
    ]
    leader[0].patch(f"/units/{world.village_a.code}", json={"population": 1})
    barrier = threading.Barrier(len(villages))
    statuses = []

    def set_population(client, code, population):
        barrier.wait()
        statuses.append(client.patch(f"/units/{code}", json={"population": population}).status_code)

    threads = [
        threading.Thread(target=set_population, args=(leader[i], code, 100 * (i + 1)))
        for i, code in enumerate(villages)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * len(villages)
    assert _stored()[COMMUNE_A][0] == 1 + sum(100 * (i + 1) for i in range(len(villages)))
    assert _stored() == _recounted()


def test_coverage_rebuild_command_repairs_the_denominators(app, app_context):
    build_world()
    expected = _stored()
    db.session.execute(update(CoverageDenominator).values(members=99, population=1))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["coverage", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _stored() == expected and expected[COMMUNE_A] == (None, None, 1, 2)


def test_one_person_added_to_many_teams_at_once_counts_once(app, app_context):
    world = build_world()
    teams = [make_team(make_unit(COMMUNE_A, f"Thôn Mới {i}").code, f"Tổ CNS {i}") for i in range(6)]
    db.session.commit()
    before = _stored()[COMMUNE_A][3]
    barrier = threading.Barrier(len(teams))
    statuses = []

    def add(client, team_id):
        barrier.wait()
        statuses.append(client.post(f"/teams/{team_id}/members", json={"phone": "+84900000401"}).status_code)

    threads = [threading.Thread(target=add, args=(ApiClient(app.test_client(), LEADER_A), team.id)) for team in teams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201] * len(teams)
    assert _stored()[COMMUNE_A][3] == before + 1
    assert _stored() == _recounted()
    assert world.village_a.code in _stored()
