"""Every list pages the same way (`limit` up to 500, an opaque `cursor`, `items` and `next_cursor`), and a
forged cursor is a 422 problem on every list, never a database error."""

import base64
import json

import pytest

from tests.factories import ADMIN, LEADER_A, build_world


def _forged(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _lists(app) -> list[str]:
    """The paths of every GET whose answer is a page (found in the OpenAPI document, so new lists are covered)."""
    with app.test_client() as client:
        document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    paths = []
    for path, operations in document["paths"].items():
        schema = (
            operations.get("get", {})
            .get("responses", {})
            .get("200", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema", {})
        )
        if "next_cursor" in schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], {}).get("properties", {}):
            paths.append(path)
    return paths


def _concrete(path: str, world) -> str:
    return path.removeprefix("/api/v1").replace("{team_id}", str(world.team_a.id))


def test_the_lists_found_include_those_the_contract_names(app):
    assert {
        "/api/v1/units",
        "/api/v1/teams",
        "/api/v1/teams/{team_id}/members",
        "/api/v1/posters",
        "/api/v1/services",
        "/api/v1/help-requests",
        "/api/v1/residents",
        "/api/v1/activities",
        "/api/v1/notifications",
        "/api/v1/role-grants",
    } <= set(_lists(app))


FORGED = [
    "not base64 at all!",
    _forged(["a", "not-a-uuid"]),
    _forged([]),
    _forged([1, 2, 3]),
    _forged([True, False]),
    _forged({"a": 1}),
    _forged([None, None]),
    _forged([1.5, "2026-01-01T00:00:00"]),
    _forged([[1], {"b": 2}]),
]


@pytest.mark.parametrize("cursor", FORGED)
def test_a_forged_cursor_is_a_422_problem_on_every_list(app, as_phone, app_context, cursor):
    world = build_world()
    for path in _lists(app):
        query = {"cursor": cursor, "parent": "VN"} if path == "/api/v1/units" else {"cursor": cursor}
        response = as_phone(ADMIN, lang="en").get(_concrete(path, world), query_string=query)
        assert response.status_code == 422, (path, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"] == {"cursor": ["Invalid cursor."]}, path


def test_every_list_takes_limit_up_to_500(app, as_phone, app_context):
    world = build_world()
    for path in _lists(app):
        query = {"parent": "VN"} if path == "/api/v1/units" else {}
        api = as_phone(ADMIN)
        assert api.get(_concrete(path, world), query_string=query | {"limit": 500}).status_code == 200, path
        assert api.get(_concrete(path, world), query_string=query | {"limit": 501}).status_code == 422, path


def test_pages_follow_each_other_without_gaps_or_repeats(as_phone, app_context):
    build_world()
    api = as_phone(None)
    everything = [item["slug"] for item in api.get("/posters", query_string={"limit": 500}).get_json()["items"]]
    seen, cursor = [], None
    while True:
        page = api.get("/posters", query_string={"limit": 4} | ({"cursor": cursor} if cursor else {})).get_json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(everything) > 4


def test_team_members_come_in_pages(as_phone, app_context):
    world = build_world()
    leader = as_phone(LEADER_A)
    for number in range(3):
        added = leader.post(f"/teams/{world.team_a.id}/members", json={"phone": f"+8490000030{number}"})
        assert added.status_code == 201
    first = leader.get(f"/teams/{world.team_a.id}/members?limit=2").get_json()
    rest = leader.get(f"/teams/{world.team_a.id}/members", query_string={"cursor": first["next_cursor"]}).get_json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 2 and rest["next_cursor"] is None
    assert {m["phone"] for m in first["items"] + rest["items"]} >= {"+84900000300", "+84900000301", "+84900000302"}


def test_an_activity_cursor_needs_a_time_zone(as_phone, app_context):
    build_world()
    naive = _forged(["2026-01-01T00:00:00", "6f1c2e52-8d5f-4c1e-9b1a-2d3e4f5a6b7c"])
    aware = _forged(["2026-01-01T00:00:00+00:00", "6f1c2e52-8d5f-4c1e-9b1a-2d3e4f5a6b7c"])
    assert as_phone(ADMIN).get("/activities", query_string={"cursor": naive}).status_code == 422
    assert as_phone(ADMIN).get("/activities", query_string={"cursor": aware}).status_code == 200
