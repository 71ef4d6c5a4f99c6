"""Sign-in with Firebase ID tokens, verified by firebase-admin's verify_id_token."""

import threading
import time

from sqlalchemy import func, select

from server.auth.models import User
from server.extensions import db
from tests.conftest import PROJECT_ID, auth_headers, token_for


def test_first_sign_in_creates_the_user_with_the_phone_number(client, app_context):
    response = client.get("/api/v1/me", headers=auth_headers("+84912345678"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["phone"] == "+84912345678"
    assert [r["role"] for r in body["roles"]] == ["resident"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_concurrent_first_requests_create_one_user(app, client, app_context):
    headers = auth_headers("+84912345679")
    statuses = []

    def call():
        statuses.append(app.test_client().get("/api/v1/me", headers=headers).status_code)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_missing_token_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_malformed_token_is_401(client):
    for value in ("Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwdw==", "Bearer a.b.c"):
        response = client.get("/api/v1/me", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.get_json()["status"] == 401


def test_wrong_project_is_401(client):
    response = client.get("/api/v1/me", headers=auth_headers("+84912345678", aud="another-project"))
    assert response.status_code == 401


def test_wrong_issuer_is_401(client):
    response = client.get(
        "/api/v1/me", headers=auth_headers("+84912345678", iss="https://securetoken.google.com/another-project")
    )
    assert response.status_code == 401


def test_expired_token_is_401_and_says_so(client):
    now = int(time.time())
    token = token_for("+84912345678", iat=now - 7200, exp=now - 3600, auth_time=now - 7200)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]


def test_error_is_vietnamese_by_default(client):
    response = client.get("/api/v1/me")
    assert response.get_json()["detail"] == "Vui lòng đăng nhập để tiếp tục."
    assert response.get_json()["title"] == "Cần đăng nhập"


def test_project_id_comes_from_configuration(app):
    assert app.config["FIREBASE_PROJECT_ID"] == PROJECT_ID
