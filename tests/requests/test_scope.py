"""Who sees which requests: requesters their own, teams their area, leaders and monitors their subtree."""

from tests.factories import ADMIN, LEADER_A, LEADER_B, MEMBER_A, MEMBER_B, MONITOR_A, MONITOR_B, RESIDENT, build_world
from tests.requests.helpers import file_request

NEIGHBOUR = "+84900000098"


def _ids(as_phone, phone):
    return [r["id"] for r in as_phone(phone).get("/help-requests").get_json()["items"]]


def test_each_person_sees_only_what_their_role_reaches(as_phone, app_context):
    world = build_world()
    in_a = file_request(as_phone, world)["id"]
    neighbours = file_request(as_phone, world, phone=NEIGHBOUR)["id"]
    in_b = file_request(as_phone, world, unit=world.village_b.code)["id"]
    assert _ids(as_phone, RESIDENT) == [in_a, in_b]  # their own, wherever they asked
    assert _ids(as_phone, NEIGHBOUR) == [neighbours]
    for phone in (MEMBER_A, LEADER_A, MONITOR_A):
        assert _ids(as_phone, phone) == [in_a, neighbours]
    for phone in (MEMBER_B, LEADER_B, MONITOR_B):
        assert _ids(as_phone, phone) == [in_b]
    assert _ids(as_phone, ADMIN) == [in_a, neighbours, in_b]


def test_outside_scope_is_not_found_and_says_nothing(as_phone, app_context):
    world = build_world()
    in_a = file_request(as_phone, world)["id"]
    for phone in (NEIGHBOUR, MEMBER_B, MONITOR_B):
        response = as_phone(phone).get(f"/help-requests/{in_a}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
        assert as_phone(phone).post(f"/help-requests/{in_a}/comments", json={"body": "xin chào"}).status_code == 404
    assert as_phone(MEMBER_B).post(f"/help-requests/{in_a}/claim", json={}).status_code == 404
    assert as_phone(MEMBER_A).get("/help-requests/00000000-0000-0000-0000-000000000000").status_code == 404
