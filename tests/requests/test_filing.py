import re
import uuid

from sqlalchemy import func, select

from server.extensions import db
from server.requests.models import HelpRequest, RequestEvent
from tests.factories import COMMUNE_A, LEADER_A, MEMBER_A, RESIDENT, build_world, make_team, make_unit
from tests.requests.helpers import file_request, sign_in


def _count(model=HelpRequest):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_villager_files_a_request_routed_to_their_village_team(as_phone, app_context):
    world = build_world()
    body = file_request(as_phone, world, preferred_contact="Sau 17 giờ")
    assert re.fullmatch(r"HT-\d\d-\d{6}", body["reference"])
    assert body["status"] == "new"
    assert body["team"]["id"] == world.team_a.id
    assert body["unit"]["code"] == world.village_a.code
    assert body["preferred_contact"] == "Sau 17 giờ"
    assert [e["action"] for e in body["history"]] == ["file"]
    assert body["allowed_actions"] == ["cancel"]


def test_references_count_up_within_the_year(as_phone, app_context):
    world = build_world()
    first, second = (file_request(as_phone, world, service=s)["reference"] for s in ("vneid", "zalo"))
    assert int(second[-6:]) == int(first[-6:]) + 1 and first[:6] == second[:6]


def test_a_village_without_a_team_goes_to_the_commune_team(as_phone, app_context):
    world = build_world()
    lonely = make_unit(COMMUNE_A, "Thôn Thèn Pả")
    commune_team = make_team(COMMUNE_A, "Tổ CNS xã Lũng Cú")
    db.session.commit()
    body = file_request(as_phone, world, unit=lonely.code)
    assert body["team"]["id"] == commune_team.id


def test_resending_the_same_request_is_answered_with_the_stored_one(as_phone, app_context):
    world = build_world()
    body = {
        "id": str(uuid.uuid4()),
        "unit": world.village_a.code,
        "service": "bank_app",
        "description": "Không mở được tài khoản ngân hàng trên điện thoại.",
    }
    first = as_phone(RESIDENT).post("/help-requests", json=body)
    again = as_phone(RESIDENT).post("/help-requests", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert _count() == 1


def test_the_same_id_with_different_content_is_a_conflict(as_phone, app_context):
    world = build_world()
    body = file_request(as_phone, world)
    response = as_phone(RESIDENT).post(
        "/help-requests",
        json={"id": body["id"], "unit": world.village_a.code, "service": "zalo", "description": "Khác hẳn"},
    )
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert _count() == 1


def test_citizen_id_numbers_are_masked_before_storing(as_phone, app_context):
    world = build_world()
    body = file_request(
        as_phone,
        world,
        description="Số CCCD của tôi là 001203004567, cmnd cũ 123456789",
        preferred_contact="gọi 0912345678",
    )
    assert "001203004567" not in body["description"] and "123456789" not in body["description"]
    assert "************" in body["description"] and "567" not in body["description"]
    assert body["preferred_contact"] == "gọi 0912345678"  # a phone number is not an ID
    db.session.rollback()
    stored = db.session.scalar(select(HelpRequest.description))
    assert "001203004567" not in stored


def test_a_second_open_request_for_the_same_service_is_flagged(as_phone, app_context):
    world = build_world()
    first = file_request(as_phone, world)
    second = file_request(as_phone, world, description="Vẫn chưa mở được VNeID")
    other = file_request(as_phone, world, service="zalo")
    assert second["likely_duplicate_of"] == first["id"]
    assert first["likely_duplicate_of"] is None and other["likely_duplicate_of"] is None


def test_a_member_files_for_a_resident_without_a_phone(as_phone, app_context):
    world = build_world()
    body = file_request(as_phone, world, phone=MEMBER_A, on_behalf_of={"name": "Giàng Thị Mỷ", "birth_year": 1948})
    assert body["on_behalf_of"] == {"name": "Giàng Thị Mỷ", "birth_year": 1948}
    # the member's own request for the same service is not a duplicate of the grandmother's
    own = file_request(as_phone, world, phone=MEMBER_A)
    assert own["likely_duplicate_of"] is None


def test_a_villager_cannot_file_for_someone_else(as_phone, app_context):
    world = build_world()
    response = as_phone(RESIDENT).post(
        "/help-requests",
        json={
            "id": str(uuid.uuid4()),
            "unit": world.village_a.code,
            "service": "vneid",
            "description": "Giúp bà tôi",
            "on_behalf_of": {"name": "Bà Mỷ"},
        },
    )
    assert response.status_code == 403
    assert _count() == 0


def test_bad_input_is_a_clear_problem_and_writes_nothing(as_phone, app_context):
    world = build_world()
    sign_in(as_phone, LEADER_A)
    api = as_phone(RESIDENT, "en")
    good = {"id": str(uuid.uuid4()), "unit": world.village_a.code, "service": "vneid", "description": "Giúp tôi"}
    cases = [
        (good | {"service": "facebook"}, 422, "service"),
        (good | {"unit": "99999.9"}, 422, "unit"),
        (good | {"unit": "08"}, 422, "unit"),  # a province is not a village
        (good | {"description": ""}, 422, "description"),
        (good | {"description": "   "}, 422, "description"),
        (good | {"description": "x" * 2001}, 422, "description"),
        (good | {"id": "not-a-uuid"}, 422, "id"),
        (good | {"on_behalf_of": {"name": "Bà Mỷ", "birth_year": 1700}}, 422, "on_behalf_of"),
        ({k: v for k, v in good.items() if k != "service"}, 422, "service"),
    ]
    for body, status, field in cases:
        response = api.post("/help-requests", json=body)
        assert response.status_code == status, (body, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert field in response.get_json()["errors"], response.get_json()
    huge = api.post("/help-requests", json=good | {"description": "x" * 10 * 1024 * 1024})
    assert huge.status_code == 413 and huge.mimetype == "application/problem+json"
    assert _count() == 0 and _count(RequestEvent) == 0


def test_messages_are_in_vietnamese_by_default(as_phone, app_context):
    world = build_world()
    response = as_phone(RESIDENT).post(
        "/help-requests",
        json={"id": str(uuid.uuid4()), "unit": world.village_a.code, "service": "facebook", "description": "Giúp tôi"},
    )
    assert response.get_json()["detail"] == "Không có dịch vụ facebook trong danh mục."
