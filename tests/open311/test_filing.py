"""Filing through Open311: routed, notified and worked like any other request; keys limited to their area."""

import uuid
import xml.etree.ElementTree as ET

from sqlalchemy import select

from server.auth.emulator import uid_for_phone
from server.auth.scope import load_scope
from server.auth.users import user_from_claims
from server.extensions import db
from server.notifications.models import Notification
from server.open311.models import PartnerFiling, PartnerKeyUse
from server.requests.models import HelpRequest
from server.residents.export import export_resident
from server.residents.services import create_resident, erase_resident
from tests.factories import MEMBER_A, RESIDENT
from tests.open311.conftest import filing
from tests.requests.helpers import sign_in

PERSON = "+84912345678"


def _post(client, body, fmt="json", **kwargs):
    return client.post(f"/open311/v2/requests.{fmt}", data=body, **kwargs)


def _uses(key_row):
    db.session.rollback()
    return [
        (use.action, use.status)
        for use in db.session.scalars(
            select(PartnerKeyUse).where(PartnerKeyUse.key_id == key_row.id).order_by(PartnerKeyUse.id)
        )
    ]


def test_a_partner_files_a_request_that_reaches_the_village_team(client, as_phone, partners):
    sign_in(as_phone, MEMBER_A)
    response = _post(
        client,
        filing(partners.world.village_a.code, api_key=partners.key_a, media_url="https://hue-s.example/photo/1.jpg"),
    )
    assert response.status_code == 201
    [answer] = response.get_json()
    assert set(answer) == {"service_request_id", "service_notice"}
    assert "Thôn Lô Lô Chải" in answer["service_notice"]

    db.session.rollback()
    request = db.session.scalar(select(HelpRequest).where(HelpRequest.reference == answer["service_request_id"]))
    assert (request.unit_id, request.team_id, request.status) == (
        partners.world.village_a.id,
        partners.world.team_a.id,
        "new",
    )
    assert db.session.scalar(select(Notification.kind).where(Notification.request_id == request.id)) == "request_new"
    # The team works it in the app like any other request, with the person's name and number to call back.
    body = as_phone(MEMBER_A).get(f"/help-requests/{request.id}").get_json()
    assert body["preferred_contact"] == f"Nguyễn Thị Mai · {PERSON}"
    assert any("https://hue-s.example/photo/1.jpg" in c["body"] and c["internal"] for c in body["comments"])
    assert as_phone(MEMBER_A).post(f"/help-requests/{request.id}/claim").status_code == 200
    assert _uses(partners.key_a_row) == [("file", 201)]


def test_json_bodies_and_xml_answers_are_accepted(client, partners):
    response = client.post(
        "/open311/v2/requests.xml", json=filing(partners.world.village_a.code, api_key=partners.key_a)
    )
    assert response.status_code == 201 and response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.startswith("HT-")


def test_a_key_files_only_within_its_unit(client, partners):
    response = _post(client, filing(partners.world.village_a.code, api_key=partners.key_b))
    assert response.status_code == 403
    [error] = response.get_json()
    assert error["code"] == 403 and "Hà Nội" in error["description"]
    assert _uses(partners.key_b_row) == [("file", 403)]
    assert db.session.scalar(select(HelpRequest.id)) is None


def test_missing_unknown_and_revoked_keys_are_refused(client, partners):
    village = partners.world.village_a.code
    for key in (None, "o311_not-a-key", partners.revoked_key):
        body = filing(village) | ({"api_key": key} if key else {})
        response = _post(client, body, headers={"Accept-Language": "en"})
        assert response.status_code == 403, key
        assert response.get_json()[0]["code"] == 403
    assert "revoked" in response.get_json()[0]["description"]
    db.session.rollback()
    assert db.session.scalar(select(HelpRequest.id)) is None


def test_coordinates_without_a_unit_are_refused_with_a_clear_message(client, partners):
    body = filing(None, api_key=partners.key_a, lat="22.36", long="105.31")
    del body["address_id"]
    response = _post(client, body, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "address_id" in response.get_json()[0]["description"]
    assert "coordinates" in response.get_json()[0]["description"]
    assert _uses(partners.key_a_row) == [("file", 400)]


def test_bad_input_is_answered_400_field_by_field(client, partners):
    village = partners.world.village_a.code
    response = _post(client, {"api_key": partners.key_a, "address_id": village}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    descriptions = " ".join(error["description"] for error in response.get_json())
    assert all(field in descriptions for field in ("service_code", "description", "phone"))
    cases = [
        {"service_code": "nope"},
        {"phone": "12"},
        {"address_id": "no-such-unit"},
        {"media_url": "javascript:alert(1)"},
        {"description": "x\x00y"},
        {"lat": "nan"},
    ]
    for change in cases:
        response = _post(client, filing(village, api_key=partners.key_a) | change, headers={"Accept-Language": "en"})
        assert response.status_code == 400, (change, response.get_data(as_text=True))
        assert {"code", "description"} == set(response.get_json()[0])
        if "lat" not in change and "description" not in change:  # each names the standard's field at fault
            assert any(error["description"].startswith(f"{next(iter(change))}: ") for error in response.get_json())
    assert client.post("/open311/v2/requests.json", data="[1]", content_type="application/json").status_code == 400
    response = client.post("/open311/v2/requests.json", data="{", content_type="application/json")
    assert response.status_code == 400


def test_the_request_becomes_the_persons_when_they_sign_in(client, as_phone, partners):
    answer = _post(client, filing(partners.world.village_a.code, api_key=partners.key_a)).get_json()[0]
    db.session.rollback()
    request_id = db.session.scalar(select(HelpRequest.id).where(HelpRequest.reference == answer["service_request_id"]))
    mine = as_phone(PERSON).get("/help-requests?mine=true")
    assert [item["reference"] for item in mine.get_json()["items"]] == [answer["service_request_id"]]
    assert as_phone(PERSON).get(f"/help-requests/{request_id}").status_code == 200
    assert as_phone(RESIDENT).get(f"/help-requests/{request_id}").status_code == 404


def test_a_person_already_signed_in_owns_the_request_at_once(client, as_phone, partners):
    sign_in(as_phone, PERSON)
    first = _post(client, filing(partners.world.village_a.code, api_key=partners.key_a)).get_json()[0]
    second = _post(client, filing(partners.world.village_a.code, api_key=partners.key_a)).get_json()[0]
    other = _post(client, filing(partners.world.village_a.code, api_key=partners.key_a, phone="0987654321"))
    items = as_phone(PERSON).get("/help-requests?mine=true").get_json()["items"]
    assert sorted(item["reference"] for item in items) == sorted(
        [first["service_request_id"], second["service_request_id"]]
    )
    db.session.rollback()
    by_reference = {r.reference: r for r in db.session.scalars(select(HelpRequest))}
    # The same person asking again is probably the same request; someone else's is not.
    assert (
        by_reference[second["service_request_id"]].likely_duplicate_of_id
        == by_reference[first["service_request_id"]].id
    )
    assert by_reference[other.get_json()[0]["service_request_id"]].likely_duplicate_of_id is None


def test_the_person_exports_and_erases_what_the_partner_sent(client, as_phone, partners):
    _post(client, filing(partners.world.village_a.code, api_key=partners.key_a))
    member = load_scope(user_from_claims({"sub": uid_for_phone(MEMBER_A), "phone_number": MEMBER_A}))
    resident, _created = create_resident(
        member,
        {
            "id": uuid.uuid4(),
            "unit": partners.world.village_a.code,
            "name": "Nguyễn Thị Mai",
            "phone": PERSON,
            "consent": True,
        },
    )
    [exported] = export_resident(member, resident.id)["open311_filings"]
    assert (exported["partner"], exported["phone"], exported["first_name"], exported["last_name"]) == (
        "Tổng đài 1022 Tuyên Quang",
        PERSON,
        "Thị Mai",
        "Nguyễn",
    )
    erase_resident(member, resident.id)
    db.session.commit()
    stored = db.session.scalar(select(PartnerFiling))
    assert (stored.phone, stored.first_name, stored.last_name) == (None, None, None)
    assert stored.erased_at is not None
    assert db.session.scalar(select(HelpRequest.preferred_contact)) is None
