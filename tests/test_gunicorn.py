"""The real HTTP stack: `gunicorn wsgi:app`, as production runs it, on the session's database."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ID, auth_headers

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(app, database_url):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TOSO_ENV": "development",
        "SECRET_KEY": "gunicorn-test",
        "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        "FIREBASE_PROJECT_ID": PROJECT_ID,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)
    process.stderr.close()


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, json.loads(error.read())


def test_api_through_gunicorn(server):
    status, _headers, body = _get(server + "/api/v1/health")
    assert (status, body) == (200, {"status": "ok", "database": "ok"})

    status, _headers, body = _get(server + "/api/v1/me", auth_headers("+84912000777"))
    assert status == 200 and body["phone"] == "+84912000777"

    status, _headers, body = _get(server + "/api/v1/units?q=lung%20cu", auth_headers("+84912000777"))
    assert status == 200 and body["items"][0]["name"] == "Xã Lũng Cú"

    status, headers, body = _get(server + "/api/v1/me")
    assert status == 401 and headers["Content-Type"] == "application/problem+json"
    assert body["detail"] == "Vui lòng đăng nhập để tiếp tục."
