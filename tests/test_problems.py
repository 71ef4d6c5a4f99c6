"""Every error is problem+json, in Vietnamese by default and English on request; nothing is written."""

import json

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.units.models import Unit
from tests.conftest import auth_headers, make_test_app
from tests.factories import COMMUNE_A, LEADER_A, build_world


def _assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def _units_named(name):
    return db.session.scalar(select(func.count()).select_from(Unit).where(Unit.name == name))


def test_validation_errors_name_each_field_in_vietnamese(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).post(
        "/units", json={"parent": COMMUNE_A, "name": "", "population": "nhiều", "extra": 1}
    )
    body = _assert_problem(response, 422)
    assert body["errors"]["extra"] == ["Trường không được hỗ trợ."]
    assert body["errors"]["population"] == ["Không phải số nguyên hợp lệ."]
    assert body["errors"]["name"] == ["Độ dài phải từ 1 đến 200."]
    assert body["detail"] == "Một số trường không hợp lệ."


def test_validation_errors_in_english_on_request(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A, "en-US,en;q=0.9").post("/units", json={"parent": COMMUNE_A, "name": "x" * 201})
    body = _assert_problem(response, 422)
    assert body["errors"]["name"] == ["Length must be between 1 and 200."]
    assert response.headers["Content-Language"] == "en"


def test_overlong_strings_write_nothing(as_phone, app_context):
    build_world()
    _assert_problem(as_phone(LEADER_A).post("/units", json={"parent": COMMUNE_A, "name": "Thôn " + "x" * 300}), 422)
    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.name.like("Thôn xxx%"))) == 0


def test_malformed_json_is_400(client, app_context):
    build_world()
    response = client.post(
        "/api/v1/units",
        data='{"parent": "00715", "name": ',
        headers={**auth_headers(LEADER_A), "Content-Type": "application/json"},
    )
    _assert_problem(response, 400)


def test_json_that_is_not_an_object_is_422(as_phone, app_context):
    build_world()
    _assert_problem(as_phone(LEADER_A).post("/units", json=["a", "b"]), 422)


def test_wrong_content_type_is_415(client, app_context):
    build_world()
    response = client.post(
        "/api/v1/units",
        data="parent=00715&name=X",
        headers={**auth_headers(LEADER_A), "Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_problem(response, 415)
    assert _units_named("X") == 0


def test_body_over_one_mebibyte_is_413(client, app_context):
    build_world()
    payload = json.dumps({"parent": COMMUNE_A, "name": "Big", "kind": "x" * (1024 * 1024)})
    response = client.post(
        "/api/v1/units", data=payload, headers={**auth_headers(LEADER_A), "Content-Type": "application/json"}
    )
    _assert_problem(response, 413)
    assert _units_named("Big") == 0


def test_unknown_path_is_404_problem(client):
    _assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_problem_with_allow(client):
    response = client.put("/api/v1/health")
    _assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_integer_overflow_in_paths_is_not_a_500(as_phone, app_context):
    build_world()
    _assert_problem(as_phone(LEADER_A).get(f"/teams/{2**70}"), 404)


def test_unexpected_errors_are_a_500_problem_without_traceback(make_app, monkeypatch):
    app = make_app(PROBLEMS_FOR_UNEXPECTED=True)

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("mobile_api.units.services.search_units", explode)
    response = app.test_client().get("/api/v1/units?q=ha", headers=auth_headers("+84912345678"))
    body = _assert_problem(response, 500)
    assert "secret internals" not in json.dumps(body)


UNREACHABLE = ["sqlite:///{tmp}/missing-dir/nope/db.sqlite3", "postgresql+psycopg://postgres@127.0.0.1:1/toso"]


@pytest.mark.parametrize("url", UNREACHABLE, ids=["sqlite", "postgresql"])
def test_database_unavailable_is_503(tmp_path, url):
    app = make_test_app(url.format(tmp=tmp_path))
    response = app.test_client().get("/api/v1/units/VN", headers=auth_headers("+84912345678"))
    _assert_problem(response, 503)
    assert response.headers["Retry-After"]


def test_health_reports_the_database(client):
    assert client.get("/api/v1/health").get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("url", UNREACHABLE, ids=["sqlite", "postgresql"])
def test_health_is_503_when_the_database_is_unreachable(tmp_path, url):
    app = make_test_app(url.format(tmp=tmp_path))
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


@pytest.mark.parametrize("lang,expected", [("vi", "Không tìm thấy"), ("en", "Not found"), ("fr", "Không tìm thấy")])
def test_language_of_errors(client, lang, expected):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": lang})
    assert response.get_json()["title"] == expected


@pytest.mark.parametrize("where", ["body", "query", "path"])
def test_nul_characters_are_refused_everywhere(as_phone, app_context, where):
    build_world()
    api = as_phone(LEADER_A)
    if where == "body":
        response = api.post("/units", json={"parent": COMMUNE_A, "name": "Thôn\x00"})
    elif where == "query":
        response = api.get("/units", query_string={"q": "ha\x00"})
    else:
        response = api.get("/units/00%00715")
    _assert_problem(response, 422)
    local_units = db.session.scalar(select(func.count()).select_from(Unit).where(Unit.official.is_(False)))
    assert local_units == 2  # the world's two villages, nothing more
