"""Every /open311 route × every kind of caller, as tests/test_access_matrix.py does for /api/v1.

Callers: no key, the key of commune A (where the request's village is), the key of province B
(outside it) and a revoked key of commune A. Reads are public; filing needs an active key whose
unit holds the village."""

import pytest

from server.extensions import db
from server.open311.blueprint import ACCESS_ATTRIBUTE, PUBLIC
from tests.access_cases import OK, Case
from tests.open311.conftest import Partners, filing

CALLERS = ("no_key", "key_a", "key_b", "revoked")
READ = {caller: OK for caller in CALLERS}


def _filed(partners):
    from server.open311.filing import Filing, file_for_partner

    request = file_for_partner(partners.key_a_row, Filing(**filing(partners.world.village_a.code)))
    db.session.commit()
    return request.reference


CASES = [
    Case("GET", "/open311/discovery.<any(json, xml):fmt>", lambda p: ("/open311/discovery.xml", None), READ),
    Case("GET", "/open311/v2/services.<any(json, xml):fmt>", lambda p: ("/open311/v2/services.json", None), READ),
    Case(
        "GET",
        "/open311/v2/services/<string(maxlength=40):code>.<any(json, xml):fmt>",
        lambda p: ("/open311/v2/services/zalo.xml", None),
        READ,
    ),
    Case("GET", "/open311/v2/requests.<any(json, xml):fmt>", lambda p: ("/open311/v2/requests.json", None), READ),
    Case(
        "GET",
        "/open311/v2/requests/<string(maxlength=20):reference>.<any(json, xml):fmt>",
        lambda p: (f"/open311/v2/requests/{_filed(p)}.json", None),
        READ,
    ),
    Case(
        "POST",
        "/open311/v2/requests.<any(json, xml):fmt>",
        lambda p: ("/open311/v2/requests.json", filing(p.world.village_a.code)),
        {"no_key": 403, "key_a": OK, "key_b": 403, "revoked": 403},
    ),
] + [
    Case(
        method,
        "/open311/<path:anything>",
        lambda p: ("/open311/v2/elsewhere.json", None),
        {caller: 404 for caller in CALLERS},
    )
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
]


def test_every_open311_route_has_access_cases(app):
    covered = {case.key for case in CASES}
    routes = {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/open311/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - covered == set(), "routes without access cases"
    assert covered - routes == set(), "cases for routes that do not exist"


def test_every_open311_view_declares_who_may_call_it(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("open311."):
            assert getattr(view, ACCESS_ATTRIBUTE, None) is not None, endpoint


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.key)
def test_access(case, caller, app, client):
    with app.app_context():
        partners = Partners()
        path, body = case.prepare(partners)
        key = {"no_key": None, "key_a": partners.key_a, "key_b": partners.key_b, "revoked": partners.revoked_key}
    if body is not None and key[caller]:
        body = body | {"api_key": key[caller]}
    response = client.open(path, method=case.method, data=body)
    expected = case.expect[caller]
    if expected == OK:
        assert 200 <= response.status_code < 300, (response.status_code, response.get_data(as_text=True))
    else:
        assert response.status_code == expected, response.get_data(as_text=True)
        [error] = response.get_json() if path.endswith(".json") else [None]
        assert error is None or error["code"] == expected


def test_a_view_that_declares_no_access_rule_serves_no_one(app, client):
    declared = app.view_functions["open311.services"]

    def forgotten(fmt):
        return {"secret": True}

    app.view_functions["open311.services"] = forgotten
    try:
        response = client.get("/open311/v2/services.json")
    finally:
        app.view_functions["open311.services"] = declared
    assert response.status_code == 403
    assert response.get_json()[0]["code"] == 403 and "secret" not in response.get_data(as_text=True)
    assert getattr(declared, ACCESS_ATTRIBUTE) == PUBLIC
