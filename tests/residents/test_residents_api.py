"""Residents: consent, no citizen IDs, search, duplicates and merge, export, erasure, access log."""

import uuid

import pytest
from sqlalchemy import select

from server.activities.models import Activity
from server.extensions import db
from server.residents.models import PersonalDataAccess, Resident
from tests.activity_factories import activity_item, make_resident, resident_body
from tests.factories import ADMIN, LEADER_A, LEADER_B, MEMBER_A, MEMBER_B, MONITOR_A, RESIDENT, build_world


@pytest.fixture
def world(app_context):
    return build_world()


def accesses(resident_id) -> list[tuple[str, str]]:
    db.session.rollback()
    from server.auth.models import User

    return [
        tuple(row)
        for row in db.session.execute(
            select(User.phone, PersonalDataAccess.action)
            .join(User)
            .where(PersonalDataAccess.resident_id == resident_id)
            .order_by(PersonalDataAccess.id)
        )
    ]


def test_a_member_registers_a_resident_and_sending_it_again_changes_nothing(as_phone, world):
    api = as_phone(MEMBER_A)
    body = resident_body(
        world.village_a.code, phone="0912 345 678", languages=["hmn", "vi"], household="Hộ ông Sùng Mí Chá"
    )
    created = api.post("/residents", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    data = created.get_json()
    assert data["phone"] == "+84912345678" and data["unit"] == world.village_a.code and data["consent_at"]
    again = api.post("/residents", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    conflict = api.post("/residents", json=body | {"birth_year": 1970})
    assert conflict.status_code == 409


def test_without_consent_only_anonymous_facts_are_kept(as_phone, world):
    api = as_phone(MEMBER_A, "en")
    refused = api.post("/residents", json=resident_body(world.village_a.code, consent=False))
    assert refused.status_code == 422
    assert "consent" in refused.get_json()["errors"]["name"][0]
    body = resident_body(world.village_a.code, consent=False, name=None, birth_year=1948)
    anonymous = api.post("/residents", json=body)
    assert anonymous.status_code == 201
    assert anonymous.get_json()["name"] is None and anonymous.get_json()["consent_at"] is None


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Lò Thị Hoa 001234567890"},
        {"household": "CMND 123 456 789"},
        {"cccd": "001234567890"},
        {"so_cccd": "001234567890"},
    ],
)
def test_citizen_id_numbers_are_refused(as_phone, world, fields):
    response = as_phone(MEMBER_A, "en").post("/residents", json=resident_body(world.village_a.code, **fields))
    assert response.status_code == 422
    assert response.get_json()["errors"][next(iter(fields))] == ["ToSo never stores citizen ID numbers."]
    assert db.session.scalar(select(Resident.id)) is None


def test_outside_the_members_area_is_forbidden(as_phone, world):
    response = as_phone(MEMBER_B).post("/residents", json=resident_body(world.village_a.code))
    assert response.status_code == 403


def test_search_by_name_without_diacritics_inside_the_area(as_phone, world):
    make_resident(world.village_a.code, MEMBER_A, name="Vàng Thị Mỷ")
    make_resident(world.village_a.code, MEMBER_A, name="Sùng Mí Páo")
    make_resident(world.village_b.code, MEMBER_B, name="Vàng Văn Minh")
    items = as_phone(MEMBER_A).get("/residents", query_string={"q": "vang"}).get_json()["items"]
    assert [r["name"] for r in items] == ["Vàng Thị Mỷ"]
    assert as_phone(MEMBER_B).get("/residents", query_string={"q": "vang thi"}).get_json()["items"] == []
    assert len(as_phone(MONITOR_A).get("/residents").get_json()["items"]) == 2


def test_listing_pages_with_a_cursor(as_phone, world):
    for n in range(5):
        make_resident(world.village_a.code, MEMBER_A, name=f"Giàng Thị {chr(65 + n)}")
    api, seen, cursor = as_phone(MEMBER_A), [], None
    while True:
        page = api.get("/residents", query_string={"limit": 2} | ({"cursor": cursor} if cursor else {})).get_json()
        seen += [r["name"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Giàng Thị {chr(65 + n)}" for n in range(5)]


def test_likely_duplicates_are_flagged_and_a_leader_merges_them(as_phone, world):
    first = make_resident(world.village_a.code, MEMBER_A, name="Lò Thị Hoa", birth_year=1962)
    second = (
        as_phone(MEMBER_A)
        .post(
            "/residents",
            json=resident_body(world.village_a.code, name="Lo Thi Hoa", birth_year=1962, phone="0912345678"),
        )
        .get_json()
    )
    make_resident(world.village_a.code, MEMBER_A, name="Lò Thị Hoa", birth_year=1990)  # another person
    assert second["possible_duplicates"] == [str(first.id)]
    assert as_phone(MEMBER_A).post(f"/residents/{first.id}/merge", json={"duplicate": second["id"]}).status_code == 403
    merged = as_phone(LEADER_A).post(f"/residents/{first.id}/merge", json={"duplicate": second["id"]})
    assert merged.status_code == 200 and merged.get_json()["phone"] == "+84912345678"
    duplicate = as_phone(LEADER_A).get(f"/residents/{second['id']}").get_json()
    assert duplicate["merged_into"] == str(first.id) and duplicate["name"] == "Lo Thi Hoa"  # history kept
    names = [r["name"] for r in as_phone(LEADER_A).get("/residents", query_string={"q": "hoa"}).get_json()["items"]]
    assert names.count("Lo Thi Hoa") == 0
    again = as_phone(LEADER_A).post(f"/residents/{first.id}/merge", json={"duplicate": second["id"]})
    assert again.status_code == 409


def test_export_holds_everything_and_is_logged(as_phone, world):
    resident = make_resident(world.village_a.code, MEMBER_A, phone="0912345678")
    filed = (
        as_phone("+84912345678")
        .post(
            "/help-requests",
            json={
                "id": str(uuid.uuid4()),
                "unit": world.village_a.code,
                "service": "vneid",
                "description": "Tôi quên mật khẩu VNeID",
            },
        )
        .get_json()
    )
    item = activity_item(world.village_a.code, resident.id, note="Đã cài VNeID mức 2", request=filed["id"])
    as_phone(MEMBER_A).post("/activities/batch", json={"items": [item]})
    export = as_phone(LEADER_A).get(f"/residents/{resident.id}/export")
    assert export.status_code == 200
    data = export.get_json()
    assert data["resident"]["name"] == "Lò Thị Hoa" and data["resident"]["phone"] == "+84912345678"
    assert [a["id"] for a in data["activities"]] == [item["id"]]
    assert data["activities"][0]["note"] == "Đã cài VNeID mức 2"
    assert [(r["reference"], r["description"]) for r in data["help_requests"]] == [
        (filed["reference"], "Tôi quên mật khẩu VNeID")
    ]
    assert accesses(resident.id) == [(LEADER_A, "export")]
    # The resident, signed in with their own number, exports their own data; that is not logged.
    own = as_phone("+84912345678").get(f"/residents/{resident.id}/export")
    assert own.status_code == 200 and own.get_json()["access_log"][0]["action"] == "export"
    assert accesses(resident.id) == [(LEADER_A, "export")]
    assert as_phone(RESIDENT).get(f"/residents/{resident.id}/export").status_code == 404
    assert as_phone(MEMBER_B).get(f"/residents/{resident.id}/export").status_code == 404


def test_every_read_by_someone_else_is_logged_and_admins_read_the_log(as_phone, world):
    resident = make_resident(world.village_a.code, MEMBER_A)
    as_phone(MONITOR_A).get(f"/residents/{resident.id}")
    as_phone(MEMBER_A).get("/residents", query_string={"q": "hoa"})
    assert accesses(resident.id) == [(MONITOR_A, "read"), (MEMBER_A, "read")]
    log = as_phone(ADMIN).get("/residents/access-log", query_string={"resident": str(resident.id)})
    assert log.status_code == 200
    assert [(e["user_phone"], e["action"]) for e in log.get_json()["items"]] == accesses(resident.id)
    assert as_phone(LEADER_A).get("/residents/access-log").status_code == 403
    assert as_phone(MONITOR_A).get("/residents/access-log").status_code == 403


def test_erasure_removes_personal_data_and_keeps_the_anonymous_facts(as_phone, world):
    resident = make_resident(world.village_a.code, MEMBER_A, phone="0912345678", household="Hộ bà Hoa")
    items = [
        activity_item(world.village_a.code, resident.id, note="Bà Hoa nhờ con gái gọi lại"),
        activity_item(world.village_a.code, resident.id, service="health_book", action="use_health_record"),
    ]
    as_phone(MEMBER_A).post("/activities/batch", json={"items": items})
    assert as_phone(MEMBER_B).delete(f"/residents/{resident.id}").status_code == 404
    assert as_phone(MONITOR_A).delete(f"/residents/{resident.id}").status_code == 403
    assert as_phone(MEMBER_A).delete(f"/residents/{resident.id}").status_code == 204
    db.session.rollback()
    erased = db.session.get(Resident, resident.id)
    assert (erased.name, erased.search_name, erased.phone, erased.household) == (None, None, None, None)
    assert erased.erased_at and not erased.consent
    assert (erased.unit_id, erased.birth_year, erased.gender) == (world.village_a.id, 1962, "female")
    facts = db.session.execute(
        select(Activity.service, Activity.outcome, Activity.note)
        .where(Activity.resident_id == resident.id)
        .order_by(Activity.service)
    ).all()
    assert [tuple(f) for f in facts] == [("health_book", "succeeded", None), ("vneid", "succeeded", None)]
    # The phone sending the resident again does not bring the personal data back.
    body = resident_body(world.village_a.code, id=str(resident.id), phone="0912345678", household="Hộ bà Hoa")
    assert as_phone(MEMBER_A).post("/residents", json=body).status_code == 200
    db.session.rollback()
    assert db.session.get(Resident, resident.id).name is None
    assert accesses(resident.id)[0] == (MEMBER_A, "erase")


def test_withdrawing_consent_erases(as_phone, world):
    resident = make_resident(world.village_a.code, MEMBER_A, phone="0912345678")
    response = as_phone("+84912345678").post(f"/residents/{resident.id}/withdraw-consent")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] is None and body["phone"] is None and body["consent"] is False and body["erased"]
    assert accesses(resident.id) == []  # the resident acted on their own data


def test_unknown_resident_is_404(as_phone, world):
    assert as_phone(LEADER_A).get(f"/residents/{uuid.uuid4()}").status_code == 404
    assert as_phone(LEADER_B).delete(f"/residents/{uuid.uuid4()}").status_code == 404
