"""A local stand-in for Google's OAuth token endpoint and the FCM v1 API.

Only the network edge is replaced: firebase-admin signs a real service-account JWT, exchanges
it for an access token here, sends real FCM v1 requests and parses real FCM error bodies."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PROJECT_ID = "toso-test"


def _fcm_error(http_status: int, status: str, error_code: str) -> dict:
    return {
        "error": {
            "code": http_status,
            "message": f"{error_code} (fake FCM)",
            "status": status,
            "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code}],
        }
    }


# Token prefixes choose FCM's answer.
ANSWERS = {
    "dead-": (404, _fcm_error(404, "NOT_FOUND", "UNREGISTERED")),
    "busy-": (429, _fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")),
    "bad-": (400, _fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")),
}


class FakeFcm:
    def __init__(self):
        self.messages: list[dict] = []
        self.token_requests = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/token":
                    with fake.lock:
                        fake.token_requests += 1
                    return self._answer(
                        200, {"access_token": "fake-access-token", "expires_in": 3600, "token_type": "Bearer"}
                    )
                if self.path != f"/v1/projects/{PROJECT_ID}/messages:send":
                    return self._answer(404, _fcm_error(404, "NOT_FOUND", "UNSPECIFIED_ERROR"))
                if self.headers.get("Authorization") != "Bearer fake-access-token":
                    return self._answer(401, _fcm_error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR"))
                message = json.loads(body)["message"]
                target = message.get("token") or message.get("fid")
                with fake.lock:
                    fake.messages.append(message)
                for prefix, (status, answer) in ANSWERS.items():
                    if target.startswith(prefix):
                        return self._answer(status, answer)
                return self._answer(200, {"name": f"projects/{PROJECT_ID}/messages/{len(fake.messages)}"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def targets(self) -> list[str]:
        return sorted(m.get("token") or m.get("fid") for m in self.messages)


def service_account(token_uri: str) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "type": "service_account",
        "project_id": PROJECT_ID,
        "private_key_id": "fake-key-1",
        "private_key": pem,
        "client_email": f"push@{PROJECT_ID}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }
