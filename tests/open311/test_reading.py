"""Public reads: the catalogue and requests, in JSON and XML, with no personal data, rate-limited."""

import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import select

from server.auth.emulator import uid_for_phone
from server.auth.scope import load_scope
from server.auth.users import user_from_claims
from server.extensions import db
from server.requests import services, transitions
from server.requests.models import HelpRequest
from server.types import utcnow
from tests.factories import MEMBER_A, RESIDENT
from tests.open311.conftest import filing
from tests.requests.helpers import sign_in

PERSON_DIGITS = "912345678"


def _scope(phone):
    return load_scope(user_from_claims({"sub": uid_for_phone(phone), "phone_number": phone}))


def _file(client, partners, **overrides):
    response = client.post(
        "/open311/v2/requests.json", data=filing(partners.world.village_a.code, api_key=partners.key_a) | overrides
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    reference = response.get_json()[0]["service_request_id"]
    db.session.rollback()
    return db.session.scalar(select(HelpRequest).where(HelpRequest.reference == reference))


def test_a_request_reads_without_personal_data(client, as_phone, partners):
    sign_in(as_phone, MEMBER_A)
    request = _file(client, partners, description="Bà Nguyễn Thị Mai (0912 345 678) cần kích hoạt VNeID")
    member = _scope(MEMBER_A)
    services.add_comment(member, request.id, "Chị Mai ơi, tổ sẽ gọi lại số 0912345678 chiều nay.", internal=False)
    services.add_comment(member, request.id, "Bà ở nhà con gái, SĐT 0988 777 666", internal=True)
    db.session.commit()

    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests/{request.reference}.{fmt}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        for secret in (PERSON_DIGITS, "0988", "Nguyễn", "Mai", "con gái", "+84"):
            assert secret not in text, (fmt, secret, text)
    [shown] = client.get(f"/open311/v2/requests/{request.reference}.json").get_json()
    assert shown["status"] == "open"
    assert shown["status_notes"] == "Chị *** ơi, tổ sẽ gọi lại số *** chiều nay."
    assert shown["agency_responsible"] == "Tổ CNS Lô Lô Chải"
    assert shown["address_id"] == partners.world.village_a.code and shown["service_code"] == "vneid"
    assert shown["description"].startswith("Bà ***") and shown["description"].endswith(") cần kích hoạt VNeID")
    assert shown["requested_datetime"].endswith("+07:00")
    assert shown["expected_datetime"] == (request.created_at + timedelta(hours=72)).astimezone(
        shown_tz(shown)
    ).isoformat(timespec="seconds")
    assert set(shown) >= {"service_request_id", "updated_datetime", "service_name"}


def shown_tz(shown):
    from datetime import datetime

    return datetime.fromisoformat(shown["requested_datetime"]).tzinfo


def test_requests_filed_in_the_app_are_listed_too_and_statuses_map_to_open_and_closed(client, partners):
    resident, member = _scope(RESIDENT), _scope(MEMBER_A)
    in_app, _created = services.file_request(
        resident, uuid.uuid4(), partners.world.village_a.code, "zalo", "Cài Zalo cho mẹ"
    )
    partner = _file(client, partners)
    transitions.apply_action(member, in_app.id, "claim")
    transitions.apply_action(member, in_app.id, "resolve")
    db.session.commit()

    def listed(query=""):
        response = client.get(f"/open311/v2/requests.json{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return {item["service_request_id"]: item["status"] for item in response.get_json()}

    assert listed() == {in_app.reference: "closed", partner.reference: "open"}
    assert listed("?status=closed") == {in_app.reference: "closed"}
    assert listed("?status=open,closed") == listed()
    assert listed("?service_code=zalo") == {in_app.reference: "closed"}
    assert listed(f"?service_request_id={partner.reference},HT-00-999999") == {partner.reference: "open"}
    assert listed("?jurisdiction_id=08") == listed()
    assert listed("?jurisdiction_id=01") == {}
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert listed(f"?start_date={tomorrow}") == {}
    assert listed(f"?end_date={tomorrow}") == listed()


def test_bad_filters_are_answered_in_the_standards_error_format(client, partners):
    old, now = ((utcnow() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ") for days in (200, 0))
    for query, status in [
        ("?status=pending", 400),
        ("?start_date=yesterday", 400),
        (f"?start_date={old}&end_date={now}", 400),
        ("?jurisdiction_id=nowhere", 404),
        ("?start_date=2026-02-01T00:00:00&end_date=2026-01-01T00:00:00Z", 400),
    ]:
        response = client.get(f"/open311/v2/requests.xml{query}")
        assert response.status_code == status, query
        root = ET.fromstring(response.data)
        assert root.tag == "errors" and root.find("error/code").text == str(status)
        assert root.find("error/description").text
    response = client.get("/open311/v2/requests/HT-26-999999.json")
    assert response.status_code == 404 and response.get_json()[0]["code"] == 404


def test_services_are_localised_with_type_keywords_and_group(client):
    english = {
        s["service_code"]: s
        for s in client.get("/open311/v2/services.json", headers={"Accept-Language": "en"}).get_json()
    }
    vietnamese = {s["service_code"]: s for s in client.get("/open311/v2/services.json").get_json()}
    assert english["vneid"]["service_name"] == "VNeID app (electronic identification)"
    assert vietnamese["vneid"]["service_name"] == "Ứng dụng VNeID (định danh điện tử)"
    assert english["vneid"]["group"] == "Public services" and vietnamese["vneid"]["group"] == "Dịch vụ công"
    assert english["vneid"]["type"] == "realtime" and english["vneid"]["metadata"] is False
    assert "vneid" in english["vneid"]["keywords"].split(",")
    root = ET.fromstring(client.get("/open311/v2/services.xml").data)
    assert [s.find("service_code").text for s in root.findall("service")] == list(vietnamese)


def test_service_definitions(client):
    assert client.get("/open311/v2/services/vneid.json").get_json() == {"service_code": "vneid", "attributes": []}
    root = ET.fromstring(client.get("/open311/v2/services/vneid.xml").data)
    assert root.tag == "service_definition" and root.find("service_code").text == "vneid"
    assert client.get("/open311/v2/services/nope.json").status_code == 404


def test_discovery(client):
    document = client.get("/open311/discovery.json").get_json()
    [endpoint] = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    root = ET.fromstring(client.get("/open311/discovery.xml").data)
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]


def test_unknown_paths_and_methods_answer_in_the_standards_format(client):
    response = client.get("/open311/v2/requests.csv")
    assert response.status_code == 404 and response.get_json()[0]["code"] == 404
    response = client.delete("/open311/v2/requests.xml")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"
    assert ET.fromstring(response.data).find("error/code").text == "405"


def test_public_reads_are_rate_limited_per_client_address(make_app):
    app = make_app(OPEN311_READ_LIMIT="3 per minute")
    client = app.test_client()
    here = [client.get("/open311/v2/services.json").status_code for _ in range(4)]
    assert here == [200, 200, 200, 429]
    limited = client.get("/open311/v2/requests.xml")
    assert limited.status_code == 429 and ET.fromstring(limited.data).find("error/code").text == "429"
    elsewhere = client.get("/open311/v2/services.json", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 200
    # Filing is keyed and audited, not limited by address; the rest of ToSo is not limited at all.
    assert client.post("/open311/v2/requests.json", data={}).status_code == 403
    assert client.get("/api/v1/health").status_code == 200


def test_an_unreachable_database_is_a_503_in_the_standards_format():
    from tests.conftest import make_test_app

    app = make_test_app("postgresql+psycopg://postgres@127.0.0.1:1/toso")
    response = app.test_client().get("/open311/v2/services.xml")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert ET.fromstring(response.data).find("error/code").text == "503"


def test_an_unexpected_error_is_a_500_in_the_standards_format(make_app, monkeypatch):
    from server.open311 import reading

    app = make_app(PROBLEMS_FOR_UNEXPECTED=True)
    monkeypatch.setattr(reading, "list_services", lambda lang: 1 / 0)
    response = app.test_client().get("/open311/v2/services.json")
    assert response.status_code == 500 and response.get_json()[0]["code"] == 500
    assert "ZeroDivision" not in response.get_data(as_text=True)
