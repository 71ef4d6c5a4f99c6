"""The production path: RS256 tokens signed by Google's keys, checked by firebase-admin.

Only the network edge is replaced: a local HTTP server publishes our test certificate where
firebase-admin fetches Google's public keys."""

import datetime
import http.server
import json
import threading
import time

import firebase_admin._token_gen as token_gen
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

PROJECT = "toso-signed-test"


def _key_and_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def google_keys():
    key, pem = _key_and_certificate()
    body = json.dumps({"kid1": pem}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "public, max-age=3600")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    original = token_gen.ID_TOKEN_CERT_URI
    token_gen.ID_TOKEN_CERT_URI = f"http://127.0.0.1:{server.server_port}/certs"
    yield key
    token_gen.ID_TOKEN_CERT_URI = original
    server.shutdown()
    server.server_close()


@pytest.fixture
def signed_client(google_keys, make_app, app, monkeypatch):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    real = make_app(FIREBASE_AUTH_EMULATOR_HOST=None, FIREBASE_PROJECT_ID=PROJECT)
    return real.test_client()


def _sign(key, kid="kid1", **overrides):
    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "sub": "uid-signed-1",
        "user_id": "uid-signed-1",
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "phone_number": "+84912300001",
        "firebase": {"sign_in_provider": "phone"},
    }
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_validly_signed_token_signs_in(signed_client, google_keys):
    response = _me(signed_client, _sign(google_keys))
    assert response.status_code == 200
    assert response.get_json()["phone"] == "+84912300001"


def test_emulator_tokens_are_refused_outside_emulator_mode(signed_client):
    unsigned = jwt.encode(
        {
            "iss": f"https://securetoken.google.com/{PROJECT}",
            "aud": PROJECT,
            "sub": "x",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        key=None,
        algorithm="none",
    )
    assert _me(signed_client, unsigned).status_code == 401


def test_a_token_signed_by_another_key_is_refused(signed_client):
    other_key, _pem = _key_and_certificate()
    assert _me(signed_client, _sign(other_key)).status_code == 401


def test_an_expired_signed_token_is_refused(signed_client, google_keys):
    now = int(time.time())
    response = _me(signed_client, _sign(google_keys, iat=now - 7200, exp=now - 3600, auth_time=now - 7200))
    assert response.status_code == 401


def test_a_token_for_another_project_is_refused(signed_client, google_keys):
    assert _me(signed_client, _sign(google_keys, aud="someone-else")).status_code == 401
