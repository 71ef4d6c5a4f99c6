"""Fixtures for Open311: the two areas of tests.factories, a partner key in each, and the test client."""

import pytest

from server.extensions import db
from server.open311.keys import create_key, revoke_key
from tests.factories import COMMUNE_A, PROVINCE_B, build_world


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """The session app's limiter counts per client address; every test starts with a clean count."""
    for limiter in app.extensions["limiter"]:
        limiter.reset()
    yield


class Partners:
    """A world with a key for commune A, a key for province B, and a revoked key for commune A."""

    def __init__(self):
        self.world = build_world()
        self.key_a_row, self.key_a = create_key("Tổng đài 1022 Tuyên Quang", COMMUNE_A)
        self.key_b_row, self.key_b = create_key("Hanoi Smart City", PROVINCE_B)
        revoked, self.revoked_key = create_key("Old app", COMMUNE_A)
        revoke_key(revoked.id)
        db.session.commit()


@pytest.fixture
def partners(app):
    with app.app_context():
        yield Partners()


def filing(village_code: str, **overrides) -> dict:
    return {
        "service_code": "vneid",
        "address_id": village_code,
        "description": "Bà cần kích hoạt VNeID mức 2",
        "phone": "0912 345 678",
        "first_name": "Thị Mai",
        "last_name": "Nguyễn",
    } | overrides
