"""Every endpoint × every kind of caller, on an object inside area A (and so outside area B)."""

import pytest

from tests.access_cases import EMPTY, OK, all_cases
from tests.conftest import ApiClient
from tests.factories import ACTORS, build_world

CASES = all_cases()
NOT_API = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/<path:filename>"}


def test_every_endpoint_has_access_cases(app):
    covered = {case.key for case in CASES}
    endpoints = {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule not in NOT_API
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert endpoints - covered == set(), "endpoints without access cases"
    assert covered - endpoints == set(), "cases for endpoints that do not exist"


def test_every_case_names_every_actor():
    for case in CASES:
        assert set(case.expect) == set(ACTORS), case.key


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.key)
def test_access(case, actor, app, client):
    with app.app_context():
        world = build_world()
        path, body = case.prepare(world)
    response = ApiClient(client, ACTORS[actor]).request(case.method, path, json=body)
    expected = case.expect[actor]
    if expected == OK:
        assert 200 <= response.status_code < 300, (response.status_code, response.get_data(as_text=True))
    elif expected == EMPTY:
        assert response.status_code == 200 and response.get_json()["items"] == []
    else:
        assert response.status_code == expected, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
