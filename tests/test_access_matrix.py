"""Every endpoint × every kind of caller, on an object inside area A (and so outside area B).

Two proofs together: test_access shows each case's expectation is what the API answers, and
test_declared_access_is_what_the_service_enforces shows each expectation follows from the route's
`@access` declaration and the caller's scope. So what a route declares is what its service enforces."""

import pytest

from mobile_api.access import ACCESS_ATTRIBUTE, PUBLIC, SIGNED_IN
from server.auth.emulator import uid_for_phone
from server.auth.scope import Ability, load_scope
from server.auth.users import user_from_claims
from server.units.services import get_unit
from tests.access_cases import COMMUNE, EMPTY, OK, PROVINCE_ONLY, REJECTED, all_cases, commune_elsewhere_in_province_a
from tests.conftest import ApiClient
from tests.factories import ACTORS, COMMUNE_A, build_world

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


DENIED = (403, 404, EMPTY, REJECTED)  # out of scope: refused, not found, or filtered to nothing


def _view(app, case):
    for rule in app.url_map.iter_rules():
        if rule.rule == case.rule and case.method in rule.methods:
            return app.view_functions[rule.endpoint]
    raise AssertionError(f"no view for {case.key}")


def test_declared_access_is_what_the_service_enforces(app):
    """For a route declared with an ability: whoever lacks it everywhere is refused (403); whoever holds it
    over the object's unit gets through; whoever holds it only elsewhere is denied. Anonymous callers get
    401 everywhere but on PUBLIC routes, and every signed-in caller passes a SIGNED_IN route's declaration."""
    with app.app_context():
        world = build_world()
        units = {COMMUNE: get_unit(COMMUNE_A), PROVINCE_ONLY: commune_elsewhere_in_province_a()}
        scopes = {
            actor: load_scope(user_from_claims({"sub": uid_for_phone(phone), "phone_number": phone}))
            for actor, phone in ACTORS.items()
            if phone
        }
        mismatches = []
        for case in CASES:
            rule = getattr(_view(app, case), ACCESS_ATTRIBUTE)
            unit = units.get(case.area, world.village_a)
            for actor, expected in case.expect.items():
                if actor == "anonymous":
                    allowed = (expected != 401) if rule == PUBLIC else (expected == 401)
                elif rule == PUBLIC:
                    allowed = expected != 401
                elif rule == SIGNED_IN:
                    # The service decides on the object itself ("the requester or the team"). A refusal
                    # of the plain resident, who holds no ability at all, would mean the service requires
                    # one: then the route must declare it.
                    allowed = expected != 401 and not (actor == "resident" and expected == 403)
                else:
                    scope = scopes[actor]
                    if not scope.has(rule):
                        allowed = expected == 403
                    elif scope.allows(rule, unit):
                        allowed = expected == OK
                    else:
                        allowed = expected in DENIED
                if not allowed:
                    mismatches.append(f"{case.key} declared {rule}: {actor} expects {expected}")
        assert mismatches == []


def test_every_ability_is_declared_by_some_route(app):
    """An ability no route declares is one that services would check on their own."""
    declared = {getattr(view, ACCESS_ATTRIBUTE, None) for view in app.view_functions.values()}
    assert set(Ability) - declared == set()


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
    elif expected == REJECTED:
        results = response.get_json()["results"]
        assert response.status_code == 200 and results and all(r["status"] == "rejected" for r in results)
    else:
        assert response.status_code == expected, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
