"""POST /residents/batch: residents made offline arrive exactly once, each answered for itself."""

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.residents.models import Resident
from tests.activity_factories import resident_body
from tests.factories import MEMBER_A, MONITOR_A, build_world


@pytest.fixture
def world(app_context):
    return build_world()


def stored_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Resident))


def test_a_batch_is_stored_once_and_answered_item_by_item(as_phone, world):
    api = as_phone(MEMBER_A, "en")
    good = [resident_body(world.village_a.code, name=f"Người {n}") for n in range(3)]
    outside = resident_body(world.village_b.code)
    no_consent = resident_body(world.village_a.code, consent=False)
    broken = {"id": "not-a-uuid", "unit": world.village_a.code}
    response = api.post("/residents/batch", json={"items": [*good, outside, no_consent, broken, "text"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["created"], body["duplicate"], body["rejected"]) == (3, 0, 4)
    results = body["results"]
    assert [r["status"] for r in results[:3]] == ["created"] * 3
    assert results[3]["reason"] == "outside_area" and results[3]["id"] == outside["id"]
    assert results[4]["reason"] == "invalid" and "consent" in results[4]["errors"]["name"][0]
    assert results[5]["reason"] == "invalid" and "id" in results[5]["errors"]
    assert results[6] == {
        "id": None,
        "status": "rejected",
        "index": 6,
        "reason": "invalid",
        "errors": results[6]["errors"],
    }
    assert stored_count() == 3

    again = api.post("/residents/batch", json={"items": good}).get_json()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    changed = api.post("/residents/batch", json={"items": [good[0] | {"birth_year": 1990}]}).get_json()
    assert changed["results"][0]["reason"] == "conflict"
    assert stored_count() == 3


def test_the_same_resident_twice_in_one_batch_is_stored_once(as_phone, world):
    body = resident_body(world.village_a.code)
    response = as_phone(MEMBER_A).post("/residents/batch", json={"items": [body, body]})
    assert [r["status"] for r in response.get_json()["results"]] == ["created", "duplicate"]
    assert stored_count() == 1


@pytest.mark.parametrize("payload", [{}, {"items": []}, {"items": "x"}, {"items": [resident_body("x")] * 501}])
def test_a_bad_batch_is_a_validation_problem(as_phone, world, payload):
    response = as_phone(MEMBER_A).post("/residents/batch", json=payload)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json" and "items" in response.get_json()["errors"]


def test_a_monitor_cannot_register_residents(as_phone, world):
    response = as_phone(MONITOR_A).post("/residents/batch", json={"items": [resident_body(world.village_a.code)]})
    assert response.status_code == 403
    assert stored_count() == 0


def test_an_id_of_another_type_is_answered_as_sent(as_phone, world):
    response = as_phone(MEMBER_A).post("/residents/batch", json={"items": [{"id": 42}]})
    result = response.get_json()["results"][0]
    assert result["id"] == "42" and result["reason"] == "invalid"


def test_an_unknown_village_or_a_province_is_refused_for_that_item_only(as_phone, world):
    items = [resident_body("99999"), resident_body("08"), resident_body(world.village_a.code)]
    results = as_phone(MEMBER_A, "en").post("/residents/batch", json={"items": items}).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "created"]
    assert results[0]["reason"] == "invalid" and results[0]["errors"]["unit"]
    assert results[1]["reason"] == "outside_area" and results[1]["errors"]["unit"]  # the province is above her village
    assert stored_count() == 1
