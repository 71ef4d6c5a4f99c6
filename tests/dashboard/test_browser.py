"""The monitors' dashboard in a real headless browser (Debian's Chromium driven by Playwright)."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from server.demo.seed import seed_demo
from server.extensions import db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def live_server(app):
    with app.app_context():
        seed_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "install Debian's Chromium (apt-get install chromium) for the browser tests"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(accept_downloads=True, locale="vi-VN")
        yield context.new_page()
        context.close()
        browser.close()


def _screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    print(f"screenshot: {ARTIFACTS / name}.png")


def test_monitor_signs_in_drills_down_and_exports(live_server, page):
    page.goto(f"{live_server}/dashboard/units/08")
    assert "/dashboard/sign-in" in page.url
    page.get_by_role("button", name="Nguyễn Thị Lan").click()
    page.wait_for_url(f"{live_server}/dashboard/units/08")
    assert page.get_by_role("heading", level=1).inner_text() == "Tỉnh Tuyên Quang"
    people_helped = page.locator("#indicators tbody tr").first
    assert "Số người được hỗ trợ" in people_helped.inner_text()
    assert int(people_helped.locator("td.num").first.inner_text()) > 0  # the demo's records count

    page.locator("#children").get_by_role("link", name="Xã Lũng Cú").click()
    page.wait_for_url("**/dashboard/units/00715?*")
    assert page.get_by_role("heading", level=1).inner_text() == "Xã Lũng Cú"
    assert page.locator("#children").get_by_role("link", name="Thôn Lô Lô Chải").is_visible()
    assert page.locator("#trend svg rect").count() == 12
    _screenshot(page, "dashboard-commune")

    with page.expect_download() as download_info:
        page.locator("#indicators").get_by_role("link", name="Xuất CSV").click()
    download = download_info.value
    assert download.suggested_filename == "coverage-00715-all.csv"
    rows = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Chỉ tiêu,Tử số") and any(r.startswith("people_helped,") for r in rows)

    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Indicators").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone browser
    _screenshot(page, "dashboard-commune-phone-en")
