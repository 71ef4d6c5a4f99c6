"""An independent Open311 client (PyPI `georeport`) reads ToSo over HTTP from a live server, in both formats."""

import json
import urllib.parse
import urllib.request

import pytest
from georeport import GeoReport

from server.extensions import db
from tests.browser import serving
from tests.open311.conftest import Partners, filing


@pytest.fixture
def live_server(app):
    """The app on a loopback port, as partners reach it (tests/browser.py)."""
    with app.app_context():
        partners = Partners()
        village, key = partners.world.village_a.code, partners.key_a
    with serving(app) as base:
        yield base, village, key
    with app.app_context():
        db.session.remove()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_and_requests(live_server, fmt):
    base, village, key = live_server
    # georeport 0.3.1 only reads; a partner files with any HTTP client, form-encoded as the standard says.
    form = urllib.parse.urlencode(filing(village, api_key=key)).encode()
    with urllib.request.urlopen(f"{base}/open311/v2/requests.json", data=form, timeout=10) as filed:
        assert filed.status == 201
        reference = json.load(filed)[0]["service_request_id"]

    client = GeoReport(f"{base}/open311/v2", output_format=fmt)
    services = client.get_service_list()
    vneid = next(service for service in services if service["service_code"] == "vneid")
    assert vneid["service_name"] == "Ứng dụng VNeID (định danh điện tử)"
    assert vneid["type"] == "realtime"
    assert client.get_service_definition("vneid")["service_code"] == "vneid"

    listed = client.get_service_requests(status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict gives a lone element as a dict
    assert [request["service_request_id"] for request in listed] == [reference]
    one = client.get_service_request(reference)
    assert one["service_request_id"] == reference and one["status"] == "open"
    assert one["agency_responsible"] == "Tổ CNS Lô Lô Chải"
    assert one["address_id"] == village
    assert "912345678" not in str(one) and "Nguyễn" not in str(one)
