"""Guards of the whole application (server/guards.py): hostile input never reaches a view, every answer
carries the security headers and a request id, and an unexpected error is logged once with that id."""

import json
import logging
import re
from pathlib import Path

import pytest

from tests.conftest import auth_headers
from tests.factories import COMMUNE_A, LEADER_A, build_world

ROOT = Path(__file__).resolve().parent.parent
POSTER = "/p/vneid-install-level1"
PROBLEM = "application/problem+json"


def _problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == PROBLEM
    return response.get_json()


def _nested(depth: int, kind: str) -> bytes:
    opening, closing = ("[", "]") if kind == "list" else ('{"a":', "}")
    return (opening * depth + "1" + closing * depth).encode()


JSON_ROUTES = [
    ("POST", "/api/v1/help-requests"),
    ("POST", "/api/v1/activities/batch"),
    ("POST", "/api/v1/units"),
    ("PUT", "/api/v1/coverage-targets"),
    ("POST", "/auth/session"),
    ("POST", "/dashboard/dev-token"),
    ("POST", POSTER),
    ("POST", "/no-such-page"),
]


@pytest.mark.parametrize("kind", ["list", "object"])
@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
@pytest.mark.parametrize("method,path", JSON_ROUTES)
def test_deeply_nested_json_is_a_400_problem_on_every_route(client, app_context, method, path, depth, kind):
    response = client.open(
        path, method=method, data=_nested(depth, kind), content_type="application/json", headers=auth_headers(LEADER_A)
    )
    assert _problem(response, 400)["type"].endswith("/too-deep")


def test_ordinary_nesting_still_passes(as_phone, app_context):
    build_world()
    body = {"unit": COMMUNE_A, "indicator": "payments_enabled", "rate": 0.5, "deadline": "2026-12-31", "note": "x"}
    assert as_phone("+84900000001").put("/coverage-targets", json=body).status_code == 200


NUL_PATHS = [
    POSTER + "%00",
    POSTER + "?unit=%00",
    "/dashboard/units/00715%00",
    "/dashboard/sign-in?next=%00",
    "/dashboard/lang/vi%00",
    "/api/v1/units/00%00715",
    "/static/dashboard/dashboard.css%00",
    "/no-such-page%00",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_in_any_path_or_query_is_a_422_problem(client, app_context, path):
    _problem(client.get(path), 422)


def test_nul_in_a_json_body_outside_the_api(client, app_context):
    _problem(client.post("/auth/session", json={"id_token": "a\x00b"}), 422)


PAGES = ["/dashboard/sign-in", "/dashboard/sign-in?next=/dashboard/units/08", POSTER, "/api/v1/docs"]
ANSWERS = PAGES + [
    "/api/v1/health",
    "/api/v1/openapi.json",
    "/api/v1/units/nowhere",
    "/no-such-page",
    "/static/dashboard/sign-in.js",
    "/dashboard/",
]


@pytest.mark.parametrize("path", ANSWERS)
def test_every_answer_has_nosniff_a_referrer_policy_and_a_request_id(client, app_context, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert "Strict-Transport-Security" not in response.headers  # only in production, behind TLS
    response.close()


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_a_csp_without_inline_script_that_forbids_framing(client, app_context, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert response.headers["X-Frame-Options"] == "DENY"
    # Every inline script the page carries is allowed by its hash; our own pages carry none.
    inline = re.findall(r"<script>(.*?)</script>", response.get_data(as_text=True), re.S)
    assert len(inline) == policy["script-src"].count("'sha256-")
    if not path.startswith("/api/"):
        assert inline == []


def test_templates_carry_no_inline_script_or_event_handler():
    for template in ROOT.glob("server/**/templates/**/*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template
        assert not re.search(r"\son[a-z]+\s*=", html), template


def test_hsts_in_production(make_app, monkeypatch):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    app = make_app(TOSO_ENV="production", FIREBASE_AUTH_EMULATOR_HOST=None, SECRET_KEY="production-secret")
    response = app.test_client().get("/api/v1/health")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    "path", [f"{POSTER}?unit={HOSTILE}", f"/p/{HOSTILE}", f"/api/v1/units/{HOSTILE}", f"/api/v1/coverage/{HOSTILE}"]
)
def test_a_problem_never_repeats_hostile_input(client, app_context, path):
    response = client.get(path, headers=auth_headers(LEADER_A))
    assert response.status_code in (403, 404)
    assert "<img" not in response.get_data(as_text=True) and "onerror" not in response.get_data(as_text=True)


def test_a_plain_code_is_still_named(client, app_context):
    body = _problem(client.get(f"{POSTER}?unit=99999"), 404)
    assert "99999" in body["detail"]


def test_an_unexpected_error_is_logged_once_with_the_request_id_it_answers_with(app, make_app, monkeypatch, caplog):
    app = make_app(PROBLEMS_FOR_UNEXPECTED=True)

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("mobile_api.units.services.search_units", explode)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/api/v1/units?q=ha", headers=auth_headers("+84912345678"))
    body = _problem(response, 500)
    request_id = response.headers["X-Request-ID"]
    assert body["instance"] == f"urn:toso:request:{request_id}"
    assert "secret internals" not in json.dumps(body)
    records = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(records) == 1
    assert records[0].name == app.logger.name and request_id in records[0].getMessage()
    assert records[0].exc_info and "secret internals" in str(records[0].exc_info[1])


def test_a_forwarded_request_id_is_kept_only_when_harmless(client, app_context):
    kept = client.get("/api/v1/health", headers={"X-Request-ID": "lb-1234abcd"})
    assert kept.headers["X-Request-ID"] == "lb-1234abcd"
    replaced = client.get("/api/v1/health", headers={"X-Request-ID": "<script>x</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-ID"])


def test_under_gunicorn_the_apps_errors_go_to_gunicorns_error_log(make_app, tmp_path):
    gunicorn_error = logging.getLogger("gunicorn.error")
    handler = logging.FileHandler(tmp_path / "error.log")
    gunicorn_error.addHandler(handler)
    app_logger = logging.getLogger("server")  # one per process: restored for the tests that follow
    saved = (list(app_logger.handlers), app_logger.level, app_logger.propagate)
    try:
        app = make_app()
        assert app.logger.handlers == [handler] and not app.logger.propagate
        with app.test_request_context("/api/v1/units"):
            app.logger.error("boom [request %s]", "abc")
        handler.flush()
        assert "boom [request abc]" in (tmp_path / "error.log").read_text()
    finally:
        gunicorn_error.removeHandler(handler)
        handler.close()
        app_logger.handlers, app_logger.propagate = saved[0], saved[2]
        app_logger.setLevel(saved[1])


def test_unknown_field_names_are_not_repeated_when_hostile(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).post(
        "/units", json={"parent": COMMUNE_A, "name": "Thôn Mới", "<img src=x onerror=alert(1)>": 1, "colour": "red"}
    )
    errors = _problem(response, 422)["errors"]
    assert "colour" in errors and "<img" not in response.get_data(as_text=True)


def test_answers_to_signed_in_requests_are_never_stored(client, app_context):
    build_world()
    signed_in = client.get("/api/v1/me", headers=auth_headers(LEADER_A))
    assert signed_in.headers["Cache-Control"] == "private, no-store"
    assert (
        client.post("/auth/session", json={"id_token": auth_headers(LEADER_A)["Authorization"][7:]}).status_code == 204
    )
    page = client.get(f"/dashboard/units/{COMMUNE_A}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    public = client.get("/api/v1/posters")
    assert public.headers["Cache-Control"] == "public, no-cache"  # the posters' own revalidation stays
    css = client.get("/static/dashboard/dashboard.css")
    assert "no-store" not in css.headers.get("Cache-Control", "")
    css.close()
