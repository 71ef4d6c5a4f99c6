from click.testing import CliRunner
from sqlalchemy import func, select

from server.extensions import db
from server.roles.models import RoleGrant
from tests.factories import COMMUNE_A, COMMUNE_B, LEADER_A, MONITOR_A, build_world


def test_grant_by_phone_applies_when_that_person_first_signs_in(as_phone, app_context):
    world = build_world()
    response = as_phone(LEADER_A).post(
        "/role-grants", json={"phone": "0987 654 321", "role": "team_leader", "unit": world.village_a.code}
    )
    assert response.status_code == 201
    assert response.get_json()["phone"] == "+84987654321"
    me = as_phone("+84987654321").get("/me").get_json()
    assert {"role": "team_leader", "unit": world.village_a.code} in [
        {"role": r["role"], "unit": (r["unit"] or {}).get("code")} for r in me["roles"]
    ]


def test_cannot_grant_above_own_role(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).post("/role-grants", json={"phone": "0987654321", "role": "admin", "unit": COMMUNE_A})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(RoleGrant).where(RoleGrant.phone == "+84987654321")) == 0


def test_cannot_grant_outside_own_subtree(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).post(
        "/role-grants", json={"phone": "0987654321", "role": "monitor", "unit": COMMUNE_B}
    )
    assert response.status_code == 403


def test_monitor_cannot_grant_anything(as_phone, app_context):
    build_world()
    response = as_phone(MONITOR_A).post(
        "/role-grants", json={"phone": "0987654321", "role": "monitor", "unit": COMMUNE_A}
    )
    assert response.status_code == 403


def test_duplicate_grant_is_a_conflict(as_phone, app_context):
    build_world()
    body = {"phone": "0987654321", "role": "monitor", "unit": COMMUNE_A}
    assert as_phone(LEADER_A).post("/role-grants", json=body).status_code == 201
    assert as_phone(LEADER_A).post("/role-grants", json=body).status_code == 409


def test_invalid_phone_and_role_are_field_errors(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A, "en").post("/role-grants", json={"phone": "12", "role": "king", "unit": COMMUNE_A})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["phone"] == ["Not a valid phone number."]
    assert "role" in errors


def test_unknown_unit_is_404(as_phone, app_context):
    build_world()
    response = as_phone(LEADER_A).post("/role-grants", json={"phone": "0987654321", "role": "monitor", "unit": "99999"})
    assert response.status_code == 404


def test_leader_revokes_a_grant_in_their_area(as_phone, app_context):
    world = build_world()
    created = (
        as_phone(LEADER_A)
        .post("/role-grants", json={"phone": "0987654321", "role": "monitor", "unit": world.village_a.code})
        .get_json()
    )
    assert as_phone(LEADER_A).delete(f"/role-grants/{created['id']}").status_code == 204
    assert db.session.get(RoleGrant, created["id"]) is None


def test_cli_makes_the_first_admin(app, app_context):
    result = CliRunner().invoke(app.cli, ["roles", "grant", "0912000000", "admin", "VN"], obj=None)
    assert result.exit_code == 0, result.output
    assert "+84912000000" in result.output
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.phone == "+84912000000"))
    assert grant.role == "admin" and grant.unit.code == "VN"


def test_cli_refuses_bad_input(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["roles", "grant", "12", "admin", "VN"]).exit_code != 0
    assert runner.invoke(args=["roles", "grant", "0912000000", "admin", "NOPE"]).exit_code != 0
