"""Under `gunicorn wsgi:app`, a failed request is logged once in gunicorn's error log, with the request id
the client received (header and problem `instance`), so a villager's screenshot can be traced."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.conftest import PROJECT_ID, auth_headers
from tests.test_gunicorn import ROOT, _free_port


def _get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def test_an_error_is_in_gunicorns_error_log_with_the_request_id(tmp_path):
    port, log = _free_port(), tmp_path / "error.log"
    unreachable = f"sqlite:///{tmp_path}/missing-dir/nope/toso.sqlite3"  # every query fails: a 503, logged
    env = {
        **os.environ,
        "DATABASE_URL": unreachable,
        "TOSO_ENV": "development",
        "SECRET_KEY": "gunicorn-test",
        "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        "FIREBASE_PROJECT_ID": PROJECT_ID,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--error-logfile",
            str(log),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                _get(base + "/api/v1/health")
                break
            except OSError:
                time.sleep(0.2)
        status, headers, body = _get(base + "/api/v1/units/VN", auth_headers("+84912345678"))
        problem = json.loads(body)
        request_id = headers["X-Request-ID"]
        assert status == 503 and problem["instance"] == f"urn:toso:request:{request_id}"
        time.sleep(0.5)
        lines = [line for line in log.read_text().splitlines() if request_id in line]
        assert len(lines) == 1 and "database unavailable" in lines[0] and "/api/v1/units/VN" in lines[0]
        assert "Traceback" in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)
