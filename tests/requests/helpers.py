"""Shared steps for help-request tests."""

import uuid

from tests.factories import RESIDENT


def file_request(as_phone, world, phone=RESIDENT, lang=None, **fields):
    body = {
        "id": str(uuid.uuid4()),
        "unit": world.village_a.code,
        "service": "vneid",
        "description": "Tài khoản VNeID của tôi bị khóa sau khi nhập sai mật khẩu.",
    } | fields
    response = as_phone(phone, lang).post("/help-requests", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(as_phone, phone, request_id, action, lang=None, headers=None, **body):
    return as_phone(phone, lang).post(f"/help-requests/{request_id}/{action}", json=body, headers=headers)


def sign_in(as_phone, *phones):
    """Users exist once they have signed in; assignment and notifications need that."""
    for phone in phones:
        assert as_phone(phone).get("/me").status_code == 200
