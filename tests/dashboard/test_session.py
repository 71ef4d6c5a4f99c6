from tests.conftest import token_for
from tests.factories import LEADER_A, MONITOR_A, MONITOR_B, RESIDENT, build_world


def _sign_in(client, phone):
    return client.post("/auth/session", json={"id_token": token_for(phone)})


def test_session_cookie_is_httponly_and_signs_in(client, app_context):
    build_world()
    response = _sign_in(client, MONITOR_A)
    assert response.status_code == 204
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/dashboard/", follow_redirects=True)
    assert page.status_code == 200
    assert "Tỉnh Tuyên Quang" in page.get_data(as_text=True)


def test_bad_token_is_a_401_problem(client):
    response = client.post("/auth/session", json={"id_token": "nonsense"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_missing_token_is_a_422_problem(client):
    response = client.post("/auth/session", json={})
    assert response.status_code == 422
    assert "id_token" in response.get_json()["errors"]


def test_pages_redirect_to_sign_in_without_a_session(client):
    response = client.get("/dashboard/units/08")
    assert response.status_code == 302
    assert "/dashboard/sign-in" in response.headers["Location"]


def test_units_outside_the_monitors_area_are_not_found(client, app_context):
    build_world()
    _sign_in(client, MONITOR_B)
    assert client.get("/dashboard/units/08").status_code == 404


def test_leader_drills_down_into_their_commune_only(client, app_context):
    world = build_world()
    _sign_in(client, LEADER_A)
    assert client.get(f"/dashboard/units/{world.village_a.code}").status_code == 200
    assert client.get("/dashboard/units/08").status_code == 404


def test_signing_out_ends_the_session(client, app_context):
    build_world()
    _sign_in(client, MONITOR_A)
    assert client.delete("/auth/session").status_code == 204
    assert client.get("/dashboard/units/08").status_code == 302


def test_resident_sees_no_areas(client, app_context):
    _sign_in(client, RESIDENT)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "chưa có vai trò" in page.get_data(as_text=True) or "no role" in page.get_data(as_text=True)


def test_language_switch_sets_english(client, app_context):
    build_world()
    _sign_in(client, MONITOR_A)
    client.get("/dashboard/lang/en?next=/dashboard/units/08")
    page = client.get("/dashboard/units/08").get_data(as_text=True)
    assert 'lang="en"' in page and "Population" in page


def test_dev_tokens_exist_only_in_emulator_mode(make_app):
    production_like = make_app(FIREBASE_AUTH_EMULATOR_HOST=None)
    response = production_like.test_client().post("/dashboard/dev-token", json={"phone": "+84912000001"})
    assert response.status_code == 404


def test_the_development_sign_in_offers_the_people_the_demo_registers(client):
    """The demo package plugs its people in (entry point toso.dev_sign_in); the dashboard imports no demo code."""
    page = client.get("/dashboard/sign-in").get_data(as_text=True)
    assert "+84912000001" in page and "Nguyễn Thị Lan" in page  # the demo's province monitor
    assert "+84912000009" not in page  # a resident has no dashboard
    assert client.post("/dashboard/dev-token", json={"phone": "+84912000001"}).get_json()["id_token"]
    assert client.post("/dashboard/dev-token", json={"phone": "+84912999999"}).status_code == 404
