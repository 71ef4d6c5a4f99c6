"""Fuzzing beyond /api/v1: every other route of the app (dashboard, poster pages, sign-in, static files,
and any blueprint added later, found from the URL map) gets hostile path values, query strings and
JSON bodies, signed out and signed in. Whatever the input: never a 500 (the test app re-raises
unexpected errors), and every error an HTML page cannot show is a problem+json."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import token_for
from tests.factories import LEADER_A, build_world

HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "\x00",
            "%00",
            "a\x00b",
            "../../etc/passwd",
            "..%2f..%2f",
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "//elsewhere.example",
            "' OR 1=1 --",
            "9" * 40,
            "-1",
            "08",
            "00715",
            "VN",
            "%",
            "%ff%fe",
            "\u202e",
            "🙂",
            " ",
            ".",
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(HOSTILE_TEXT | st.sampled_from(["phone", "id_token"]), children, max_size=4)
    ),
    max_leaves=20,
)
QUERY = st.dictionaries(
    st.sampled_from(["next", "unit", "lang", "period", "indicator", "q", "x"]), HOSTILE_TEXT, max_size=3
)


def _rules(app):
    return [
        (method, rule)
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/v1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def _fill(rule, values) -> str:
    """The rule's path with each variable part filled in (one of its choices for `any(…)`)."""
    path = rule.rule
    for name in rule.arguments:
        choices = sorted(getattr(rule._converters.get(name), "items", None) or [])
        value = values.get(name, "x") if not choices else choices[len(values.get(name, "")) % len(choices)]
        path = re.sub(rf"<(?:[^<>:]+:)?{name}>", lambda _match, value=value: value, path)
    return path


@pytest.fixture(scope="module")
def signed_in_cookie(app):
    with app.app_context():
        build_world()
    client = app.test_client()
    assert client.post("/auth/session", json={"id_token": token_for(LEADER_A)}).status_code == 204
    return client.get_cookie("toso_session").value


def _check(response, path):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400 and path.startswith("/open311/"):  # GeoReport v2's own error format
        assert response.mimetype in ("application/json", "text/xml")
    elif response.status_code >= 400 and response.mimetype != "text/html":
        assert response.mimetype == "application/problem+json"
        json.loads(response.get_data())
    response.close()


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_no_page_answers_a_500_whatever_it_is_sent(app, signed_in_cookie, signed_in):
    rules = _rules(app)
    assert {rule.rule for _m, rule in rules} >= {"/p/<slug>", "/dashboard/units/<code>", "/auth/session"}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        index=st.integers(0, len(rules) - 1),
        values=st.dictionaries(
            st.sampled_from(["slug", "code", "kind", "lang", "filename"]),
            HOSTILE_TEXT.filter(lambda t: "/" not in t and "?" not in t and "#" not in t and t.strip()),
            max_size=5,
        ),
        query=QUERY,
        body=st.none() | JSON_VALUES,
    )
    def run(index, values, query, body):
        method, rule = rules[index]
        client = app.test_client()
        if signed_in:
            client.set_cookie("toso_session", signed_in_cookie)
        kwargs = {"query_string": query}
        if body is not None and method in ("POST", "PUT", "PATCH", "DELETE"):
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        path = _fill(rule, values)
        _check(client.open(path, method=method, **kwargs), path)

    with app.app_context():
        run()
