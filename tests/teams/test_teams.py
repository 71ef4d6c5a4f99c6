from tests.factories import ADMIN, LEADER_A, LEADER_B, MEMBER_A, RESIDENT, build_world


def test_leader_creates_a_team_and_adds_members_by_phone(as_phone, app_context):
    world = build_world()
    leader = as_phone(LEADER_A)
    team = leader.post("/teams", json={"unit": world.village_a.code, "name": "Tổ CNS thôn mới"})
    assert team.status_code == 201
    team_id = team.get_json()["id"]
    member = leader.post(f"/teams/{team_id}/members", json={"phone": "0977 111 222", "display_name": "Giàng Thị Mai"})
    assert member.status_code == 201
    me = as_phone("+84977111222").get("/me").get_json()
    assert [t["id"] for t in me["teams"]] == [team_id]
    assert "member" in [r["role"] for r in me["roles"]]


def test_adding_the_same_member_twice_is_a_conflict(as_phone, app_context):
    world = build_world()
    response = as_phone(LEADER_A).post(f"/teams/{world.team_a.id}/members", json={"phone": MEMBER_A})
    assert response.status_code == 409


def test_removing_a_member_ends_their_membership(as_phone, app_context):
    world = build_world()
    members = as_phone(LEADER_A).get(f"/teams/{world.team_a.id}/members").get_json()["items"]
    assert as_phone(LEADER_A).delete(f"/teams/{world.team_a.id}/members/{members[0]['id']}").status_code == 204
    assert as_phone(MEMBER_A).get("/me").get_json()["teams"] == []


def test_team_must_belong_to_a_commune_or_village(as_phone, app_context):
    build_world()
    response = as_phone(ADMIN).post("/teams", json={"unit": "08", "name": "Tổ tỉnh"})
    assert response.status_code == 422
    assert "unit" in response.get_json()["errors"]


def test_team_lists_are_scoped(as_phone, app_context):
    world = build_world()
    assert [t["id"] for t in as_phone(LEADER_A).get("/teams").get_json()["items"]] == [world.team_a.id]
    assert [t["id"] for t in as_phone(LEADER_B).get("/teams").get_json()["items"]] == [world.team_b.id]
    assert [t["id"] for t in as_phone(MEMBER_A).get("/teams").get_json()["items"]] == [world.team_a.id]
    assert as_phone(RESIDENT).get("/teams").get_json()["items"] == []


def test_duplicate_team_name_in_a_unit_is_a_conflict(as_phone, app_context):
    world = build_world()
    response = as_phone(LEADER_A).post("/teams", json={"unit": world.village_a.code, "name": world.team_a.name})
    assert response.status_code == 409


def test_a_member_sets_their_own_name_and_the_team_sees_it(as_phone, app_context):
    world = build_world()
    member = as_phone(MEMBER_A)
    assert member.get("/me").get_json()["display_name"] is None
    response = member.patch("/me", json={"display_name": "  Lò Thị Hoa "})
    assert response.status_code == 200 and response.get_json()["display_name"] == "Lò Thị Hoa"
    assert member.get("/me").get_json()["display_name"] == "Lò Thị Hoa"
    roster = {m["phone"]: m for m in as_phone(LEADER_A).get(f"/teams/{world.team_a.id}/members").get_json()["items"]}
    assert roster[MEMBER_A]["name"] == "Lò Thị Hoa"
    assert member.patch("/me", json={"display_name": None}).get_json()["display_name"] is None
    roster = {m["phone"]: m for m in as_phone(LEADER_A).get(f"/teams/{world.team_a.id}/members").get_json()["items"]}
    assert roster[MEMBER_A]["name"] == roster[MEMBER_A]["display_name"]  # the leader's name for them, if any


def test_a_display_name_is_validated(as_phone, app_context):
    build_world()
    for body in ({}, {"display_name": ""}, {"display_name": "x" * 121}, {"display_name": 5}):
        response = as_phone(MEMBER_A, lang="en").patch("/me", json=body)
        assert response.status_code == 422 and "display_name" in response.get_json()["errors"], body
        assert response.mimetype == "application/problem+json"
