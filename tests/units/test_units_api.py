from sqlalchemy import func, select

from server.extensions import db
from server.units.models import Unit
from tests.factories import COMMUNE_A, LEADER_A, LEADER_B, RESIDENT, build_world, make_unit


def test_official_tree_has_34_provinces_and_3321_communes(app_context):
    count = lambda level: db.session.scalar(select(func.count()).where(Unit.level == level))  # noqa: E731
    assert count("nation") == 1
    assert count("province") == 34
    assert count("commune") == 3321


def test_unit_with_ancestors(as_phone, app_context):
    body = as_phone(RESIDENT).get(f"/units/{COMMUNE_A}").get_json()
    assert body["name"] == "Xã Lũng Cú"
    assert body["level"] == "commune"
    assert [a["code"] for a in body["ancestors"]] == ["VN", "08"]


def test_search_ignores_diacritics_and_case(as_phone, app_context):
    api = as_phone(RESIDENT)
    results = [
        api.get("/units", query_string={"q": q}).get_json()["items"] for q in ("ha giang", "HÀ GIANG", "Hà Giang")
    ]
    codes = [[u["code"] for u in items] for items in results]
    assert codes[0] == codes[1] == codes[2]
    assert codes[0] and all("Hà Giang" in u["name"] for u in results[0])


def test_search_puts_names_starting_with_the_query_first(as_phone, app_context):
    items = as_phone(RESIDENT).get("/units", query_string={"q": "xa lung cu"}).get_json()["items"]
    assert items[0]["code"] == COMMUNE_A


def test_search_within_a_subtree(as_phone, app_context):
    items = as_phone(RESIDENT).get("/units", query_string={"q": "phuong", "within": "01"}).get_json()["items"]
    assert items and all(u["parent"] == "01" for u in items)


def test_children_are_paginated_with_a_cursor(as_phone, app_context):
    api = as_phone(RESIDENT)
    seen, cursor = [], None
    while True:
        query = {"parent": "01", "limit": 50} | ({"cursor": cursor} if cursor else {})
        page = api.get("/units", query_string=query).get_json()
        seen += [u["code"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 126  # Hà Nội has 126 commune-level units


def test_bad_cursor_is_a_clear_error(as_phone, app_context):
    response = as_phone(RESIDENT).get("/units", query_string={"parent": "01", "cursor": "!!nope"})
    assert response.status_code == 422
    assert "cursor" in response.get_json()["errors"]


def test_leader_adds_a_village_to_their_commune(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).post(
        "/units", json={"parent": COMMUNE_A, "name": "Thôn Sáng Ngài", "kind": "thôn", "population": 420}
    )
    assert response.status_code == 201, response.get_json()
    village = response.get_json()
    assert village["level"] == "village" and village["parent"] == COMMUNE_A and village["population"] == 420
    found = as_phone(LEADER_A).get("/units", query_string={"q": "sang ngai"}).get_json()["items"]
    assert [u["code"] for u in found] == [village["code"]]


def test_leader_cannot_add_a_village_elsewhere(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_B).post("/units", json={"parent": COMMUNE_A, "name": "Thôn Lạ"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).where(Unit.name == "Thôn Lạ")) == 0


def test_duplicate_village_name_is_refused(as_phone, app_context):
    world = build_world()
    response = as_phone(LEADER_A).post("/units", json={"parent": COMMUNE_A, "name": world.village_a.name.upper()})
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]


def test_tree_has_no_fixed_depth(as_phone, app_context):
    """A deployment that keeps household groups under villages needs no code change."""
    world = build_world()
    response = as_phone(LEADER_A).post("/units", json={"parent": world.village_a.code, "name": "Nhóm hộ 1"})
    assert response.status_code == 201
    group = as_phone(LEADER_A).get(f"/units/{response.get_json()['code']}").get_json()
    assert [a["code"] for a in group["ancestors"]] == ["VN", "08", COMMUNE_A, world.village_a.code]


def test_level_must_fit_the_parent(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).post("/units", json={"parent": COMMUNE_A, "name": "X", "level": "province"})
    assert response.status_code == 422


def test_leader_sets_population(as_phone, app_context):
    world = build_world()
    response = as_phone(LEADER_A).patch(f"/units/{world.village_a.code}", json={"population": 512, "households": 120})
    assert response.status_code == 200
    assert response.get_json()["population"] == 512


def test_official_names_cannot_be_changed_through_the_api(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).patch(f"/units/{COMMUNE_A}", json={"name": "Xã Khác"})
    assert response.status_code == 422


def test_negative_population_is_refused(as_phone, app_context):
    world = build_world()
    response = as_phone(LEADER_A).patch(f"/units/{world.village_a.code}", json={"population": -1})
    assert response.status_code == 422
    assert "population" in response.get_json()["errors"]


def test_village_codes_follow_their_commune(app_context):
    first = make_unit(COMMUNE_A, "Thôn 1")
    second = make_unit(COMMUNE_A, "Thôn 2")
    assert (first.code, second.code) == (f"{COMMUNE_A}.1", f"{COMMUNE_A}.2")
