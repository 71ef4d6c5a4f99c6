"""A worker remembers verified tokens and callers' scopes; every write that changes a scope is seen
on the very next call, and an everyday authenticated GET writes nothing."""

import time

from sqlalchemy import select

from server import change_feed
from server.auth.models import User
from server.extensions import db
from tests.conftest import auth_headers, token_for
from tests.factories import ADMIN, LEADER_A, MEMBER_A, MEMBER_B, MONITOR_A, PROVINCE_A, build_world


def _roles(me: dict) -> set[tuple[str, str | None]]:
    return {(r["role"], r["unit"]["code"] if r["unit"] else None) for r in me["roles"]}


def test_an_everyday_get_only_reads(as_phone, app_context, sql_statements):
    build_world()
    assert as_phone(MONITOR_A).get("/me").status_code == 200  # first sign-in: the user is written
    assert as_phone(MONITOR_A).get("/me").status_code == 200
    sql_statements.clear()
    for _ in range(3):
        assert as_phone(MONITOR_A).get("/me").status_code == 200
    statements = [statement.lstrip().split(None, 1)[0].upper() for statement in sql_statements]
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    # Token and scope come from the worker's memory. On PostgreSQL the worker hears every change to
    # users (server/change_feed.py), so a known caller costs no query; elsewhere, one read of the row.
    assert statements.count("SELECT") == (0 if change_feed.wait_listening() else 3)


def test_a_role_granted_is_seen_on_the_next_call(as_phone, app_context):
    world = build_world()
    newcomer = "+84900000777"
    assert _roles(as_phone(newcomer).get("/me").get_json()) == {("resident", None)}
    granted = as_phone(ADMIN).post(
        "/role-grants", json={"phone": newcomer, "role": "monitor", "unit": world.village_a.code}
    )
    assert granted.status_code == 201
    assert ("monitor", world.village_a.code) in _roles(as_phone(newcomer).get("/me").get_json())
    assert as_phone(ADMIN).delete(f"/role-grants/{granted.get_json()['id']}").status_code == 204
    assert _roles(as_phone(newcomer).get("/me").get_json()) == {("resident", None)}


def test_a_member_removed_loses_the_team_on_the_next_call(as_phone, app_context):
    world = build_world()
    assert [t["id"] for t in as_phone(MEMBER_A).get("/me").get_json()["teams"]] == [world.team_a.id]
    members = as_phone(LEADER_A).get(f"/teams/{world.team_a.id}/members").get_json()["items"]
    assert as_phone(LEADER_A).delete(f"/teams/{world.team_a.id}/members/{members[0]['id']}").status_code == 204
    me = as_phone(MEMBER_A).get("/me").get_json()
    assert me["teams"] == []
    assert "member" not in {role for role, _unit in _roles(me)}


def test_a_renamed_unit_is_seen_in_the_holders_cached_scope(as_phone, app_context):
    world = build_world()
    assert as_phone(MEMBER_A).get("/me").get_json()["teams"][0]["unit"]["name"] == "Thôn Lô Lô Chải"
    renamed = as_phone(LEADER_A).patch(f"/units/{world.village_a.code}", json={"name": "Thôn Lô Lô Chải Mới"})
    assert renamed.status_code == 200
    assert as_phone(MEMBER_A).get("/me").get_json()["teams"][0]["unit"]["name"] == "Thôn Lô Lô Chải Mới"


def test_a_cached_scope_never_stands_in_for_units_it_does_not_hold(as_phone, app_context):
    """The leader's cached grant is on a commune; the province above it changes without touching
    the leader's stamp, and the leader reads the province afresh."""
    build_world()
    assert as_phone(LEADER_A).get("/me").status_code == 200
    assert as_phone(LEADER_A).get(f"/units/{PROVINCE_A}").status_code == 200
    changed = as_phone(ADMIN).patch(f"/units/{PROVINCE_A}", json={"population": 4321})
    assert changed.status_code == 200
    assert as_phone(LEADER_A).get(f"/units/{PROVINCE_A}").get_json()["population"] == 4321


def test_one_users_scope_is_never_served_to_another(as_phone, app_context):
    world = build_world()
    for _ in range(2):  # the second round is served from memory
        a = as_phone(MEMBER_A).get("/me").get_json()
        b = as_phone(MEMBER_B).get("/me").get_json()
        assert [t["id"] for t in a["teams"]] == [world.team_a.id]
        assert [t["id"] for t in b["teams"]] == [world.team_b.id]
        assert as_phone(MONITOR_A).get(f"/coverage/{PROVINCE_A}").status_code == 200
        assert as_phone(MEMBER_B).get(f"/coverage/{PROVINCE_A}").status_code in (403, 404)


def test_a_user_made_again_never_gets_the_scope_cached_for_the_one_before(client, app_context):
    """The same uid (and, on SQLite, the same row id) after the user row was removed and re-made."""
    build_world()
    headers = auth_headers(MONITOR_A)
    assert ("monitor", PROVINCE_A) in _roles(client.get("/api/v1/me", headers=headers).get_json())
    user = db.session.scalar(select(User).where(User.phone == MONITOR_A))
    db.session.delete(user)
    db.session.execute(db.text("DELETE FROM role_grants WHERE phone = :p"), {"p": MONITOR_A})
    db.session.commit()
    assert _roles(client.get("/api/v1/me", headers=headers).get_json()) == {("resident", None)}


def test_a_remembered_token_is_refused_once_it_expires(client, app_context, monkeypatch):
    headers = {"Authorization": f"Bearer {token_for('+84900000778', lifetime=60)}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    later = time.time() + 60 + 31
    monkeypatch.setattr("server.auth.firebase.time.time", lambda: later)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
