"""Trainings: who records them, idempotent client ids, attendance, listing, skills, and their weight
in the ranking."""

import uuid

import pytest

from tests.activity_factories import activity_item, count_coverage
from tests.emulation.conftest import MEMBER_2, MEMBER_3
from tests.factories import ADMIN, COMMUNE_A, LEADER_A, LEADER_B, MEMBER_A, MEMBER_B, MONITOR_A, RESIDENT


def _body(unit, **fields):
    return {
        "id": str(uuid.uuid4()),
        "unit": unit,
        "title": "Tập huấn cài đặt VNeID mức 2",
        "held_on": "2026-11-20",
        "services": ["vneid", "dichvucong"],
        "trainer": "Công an xã",
    } | fields


def test_leaders_record_trainings_and_resending_changes_nothing(history, as_phone):
    body = _body(COMMUNE_A)
    created = as_phone(LEADER_A).post("/trainings", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["unit"]["code"] == COMMUNE_A and created.get_json()["attendance"] == []
    assert as_phone(LEADER_A).post("/trainings", json=body).status_code == 200
    conflict = as_phone(LEADER_A).post("/trainings", json=body | {"title": "Khác"})
    assert conflict.status_code == 409 and conflict.mimetype == "application/problem+json"
    assert as_phone(ADMIN).post("/trainings", json=_body(history.village_2.code)).status_code == 201


@pytest.mark.parametrize(
    "phone,status", [(MEMBER_A, 403), (MONITOR_A, 403), (LEADER_B, 403), (RESIDENT, 403), (None, 401)]
)
def test_others_may_not_record_trainings(history, as_phone, phone, status):
    response = as_phone(phone).post("/trainings", json=_body(COMMUNE_A))
    assert response.status_code == status and response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "change",
    [
        {"services": ["nope"]},
        {"held_on": "20-11-2026"},
        {"title": ""},
        {"id": "not-a-uuid"},
        {"unit": "99999999"},
        {"extra": 1},
    ],
)
def test_bad_trainings_are_refused(history, as_phone, change):
    response = as_phone(LEADER_A, "en").post("/trainings", json=_body(COMMUNE_A) | change)
    assert response.status_code in (404, 422), response.get_json()
    assert response.mimetype == "application/problem+json"


def test_attendance_list_skills_and_ranking(history, as_phone):
    training = as_phone(LEADER_A).post("/trainings", json=_body(COMMUNE_A, services=["zalo"])).get_json()
    path = f"/trainings/{training['id']}/attendance"
    recorded = as_phone(LEADER_A).post(path, json={"phones": ["0900000004", MEMBER_2]})
    assert recorded.status_code == 200, recorded.get_json()
    assert [a["phone"] for a in recorded.get_json()["attendance"]] == [MEMBER_A, MEMBER_2]
    again = as_phone(LEADER_A).post(path, json={"phones": [MEMBER_A]})
    assert len(again.get_json()["attendance"]) == 2
    stranger = as_phone(LEADER_A).post(path, json={"phones": [MEMBER_B]})
    assert stranger.status_code == 422 and "phones" in stranger.get_json()["errors"]
    assert as_phone(LEADER_A).post(path, json={"phones": ["12"]}).status_code == 422
    assert as_phone(LEADER_A).post(path, json={"phones": []}).status_code == 422
    assert as_phone(MEMBER_A).post(path, json={"phones": [MEMBER_A]}).status_code == 403
    assert as_phone(LEADER_B).post(path, json={"phones": [MEMBER_A]}).status_code == 404
    assert (
        as_phone(LEADER_A).post(f"/trainings/{uuid.uuid4()}/attendance", json={"phones": [MEMBER_A]}).status_code == 404
    )

    listed = as_phone(MONITOR_A).get(f"/trainings?unit={COMMUNE_A}&from=2026-11-01&to=2026-11-30").get_json()
    assert [t["id"] for t in listed["items"]] == [training["id"]]
    assert len(listed["items"][0]["attendance"]) == 2
    assert as_phone(MONITOR_A).get(f"/trainings?unit={COMMUNE_A}&from=2026-12-01").get_json()["items"] == []
    assert as_phone(MEMBER_B).get(f"/trainings?unit={COMMUNE_A}").status_code == 404
    assert as_phone(LEADER_A).get("/trainings?unit=&from=x").status_code == 422

    # Attendance counts in the ranking of the training's period, not in others.
    november = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026-11").get_json()["items"]
    trained = {i["member"]["name"][-4:]: i["criteria"]["trainings"] for i in november}
    assert trained[" Mai"] == {"value": 1, "points": 10}  # Giàng Thị Mai, MEMBER_2
    assert trained["0022"] == {"value": 0, "points": 0}
    october = as_phone(LEADER_A).get(f"/emulation/{COMMUNE_A}?period=2026-10").get_json()["items"]
    assert {i["criteria"]["trainings"]["value"] for i in october} == {0}

    # Skills: trained on Zalo; and services helped with successfully at least 5 times.
    items = [activity_item(history.village_2.code, people=2, service="ecommerce") for _ in range(5)]
    items += [activity_item(history.village_2.code, people=2, service="vssid") for _ in range(4)]
    assert as_phone(MEMBER_3).post("/activities/batch", json={"items": items}).status_code == 200
    count_coverage()
    members = as_phone(LEADER_A).get(f"/teams/{history.team_2.id}/members").get_json()["items"]
    skills = {m["phone"]: m["skills"] for m in members}
    assert "zalo" in skills[MEMBER_2]
    assert "ecommerce" in skills[MEMBER_3] and "vssid" not in skills[MEMBER_3]
    assert skills["+84900000023"] == []
