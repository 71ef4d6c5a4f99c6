"""The monitors' dashboard in a real headless browser (Debian's Chromium driven by Playwright)."""

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.demo.seed import seed_demo
from server.extensions import db
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, serving
from tests.clock import VIETNAM


@pytest.fixture
def live_server(app):
    with app.app_context():
        seed_demo()
        db.session.commit()
    with serving(app) as base:
        yield base


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


def last_month() -> str:
    """The month before this one in Vietnam: full of the demo's records (they span 120 days up to now)
    whatever the hour the suite runs, where this month may have none yet in its first hours."""
    end_of_last_month = datetime.now(VIETNAM).date().replace(day=1) - timedelta(days=1)
    return f"{end_of_last_month:%Y-%m}"


def test_monitor_signs_in_drills_down_and_exports(live_server, page):
    page.goto(f"{live_server}/dashboard/units/08")
    assert "/dashboard/sign-in" in page.url
    page.get_by_role("button", name="Nguyễn Thị Lan").click()
    page.wait_for_url(f"{live_server}/dashboard/units/08")
    page.goto(f"{live_server}/dashboard/units/08?period={last_month()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Tỉnh Tuyên Quang"
    people_helped = page.locator("#indicators tbody tr").first
    assert "Số người được hỗ trợ" in people_helped.inner_text()
    assert int(people_helped.locator("td.num").first.inner_text().replace(".", "")) > 0  # the demo's records count

    page.locator("#children").get_by_role("link", name="Xã Lũng Cú").click()
    page.wait_for_url("**/dashboard/units/00715?*")
    assert page.get_by_role("heading", level=1).inner_text() == "Xã Lũng Cú"
    assert page.locator("#children").get_by_role("link", name="Thôn Lô Lô Chải").is_visible()
    assert page.locator("#trend svg rect").count() == 12
    _screenshot(page, "dashboard-commune")

    with page.expect_download() as download_info:
        page.locator("#indicators").get_by_role("link", name="Xuất CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"coverage-00715-{last_month()}.csv"  # the period shown
    rows = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "Mức độ bao phủ của Xã Lũng Cú" and rows[1] == "Đơn vị,Xã Lũng Cú (00715)"
    assert rows[5].startswith("Chỉ tiêu,Đạt được") and any(r.startswith("Số người được hỗ trợ,") for r in rows)

    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Indicators").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone browser
    _screenshot(page, "dashboard-commune-phone-en")


def _sign_in_as(page, live_server, path, name):
    page.goto(f"{live_server}{path}")
    page.get_by_role("button", name=name).click()
    page.wait_for_url(f"{live_server}{path}")


def test_province_table_sorts_searches_pages_and_the_period_picker_goes_back(live_server, page):
    _sign_in_as(page, live_server, "/dashboard/units/08", "Nguyễn Thị Lan")
    page.goto(f"{live_server}/dashboard/units/08?period={last_month()}")
    rows = page.locator("#children tbody tr")
    assert rows.count() > 50  # the province's communes are all in the page
    assert page.locator("#children tbody tr:visible").count() == 50
    assert "Trang 1/" in page.locator("#children .pager").inner_text()
    page.locator("#children").get_by_role("button", name="Sau ›").click()
    expect(page.locator("#children .pager")).to_contain_text("Trang 2/")

    page.locator("#children").get_by_role("button", name="Đạt được").click()  # ascending
    page.locator("#children").get_by_role("button", name="Đạt được").click()  # descending
    first = page.locator("#children tbody tr:visible").first
    reached = page.locator("#children tbody tr:visible td:nth-child(2)").all_inner_texts()
    values = [int(v.replace(".", "")) for v in reached]
    assert values == sorted(values, reverse=True) and values[0] > 0
    assert "Xã Lũng Cú" in first.inner_text()  # the demo's busiest commune comes first

    page.locator("#children").get_by_role("searchbox").fill("meo vac")  # without diacritics
    assert page.locator("#children tbody tr:visible").all_inner_texts()[0].startswith("Xã Mèo Vạc")
    assert page.locator("#children tbody tr:visible").count() == 1
    _screenshot(page, "dashboard-province-sorted-searched")

    page.get_by_label("Kỳ:").select_option("2025")  # a past year: the select submits itself
    page.wait_for_url("**/dashboard/units/08?period=2025*")
    assert "Năm 2025" in page.locator("#indicators h2").inner_text()

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dashboard/sign-in")
    page.goto(f"{live_server}/dashboard/units/08")
    assert "/dashboard/sign-in" in page.url


def test_leader_works_requests_and_teams_in_the_browser(live_server, page):
    _sign_in_as(page, live_server, "/dashboard/units/00715/requests", "Sùng Mí Páo")
    assert page.get_by_role("heading", level=1).inner_text() == "Xã Lũng Cú"
    table = page.locator("#requests table")
    assert table.locator("tbody tr").count() > 0
    assert "scam_safety" not in page.locator("#requests").inner_text()
    _screenshot(page, "dashboard-requests")

    claimable = table.locator("tbody tr", has=page.get_by_role("button", name="nhận", exact=True)).first
    reference = claimable.get_attribute("id")
    claimable.get_by_role("button", name="nhận", exact=True).click()
    expect(page.locator(".flash")).to_have_text(f"{reference} hiện ở trạng thái: đã giao.")
    row = page.locator(f"tr[id='{reference}']")
    row.locator("summary").click()
    assert "Sùng Mí Páo" in row.locator(".history").inner_text()

    page.get_by_label("Trạng thái").select_option("assigned")
    page.wait_for_url("**status=assigned*")
    assert page.locator(f"tr[id='{reference}']").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(f"tr[id='{reference}'] summary").click()
    _screenshot(page, "dashboard-requests-assigned-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Tổ công nghệ số").click()
    page.wait_for_url("**/dashboard/units/00715/teams")
    team = page.locator("section.team").first
    team.get_by_label("Số điện thoại").fill("0987 654 321")
    team.get_by_label("Họ tên").fill("Giàng Thị Mỷ")
    team.get_by_role("button", name="Thêm tổ viên").click()
    expect(page.locator(".flash")).to_have_text("Đã thêm +84987654321 vào tổ.")
    assert "Giàng Thị Mỷ" in page.locator("section.team").first.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    _screenshot(page, "dashboard-teams-phone")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("section.team").first.locator("tr", has_text="Giàng Thị Mỷ").get_by_role("button", name="Xoá").click()
    expect(page.locator(".flash")).to_have_text("Đã xoá tổ viên khỏi tổ.")  # waits for the new page
    assert "Giàng Thị Mỷ" not in page.locator("section.team").first.inner_text()


def test_unit_page_prints_without_navigation(live_server, page):
    _sign_in_as(page, live_server, "/dashboard/units/00715", "Sùng Mí Páo")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator(".period-picker").is_visible()
    assert page.locator("#indicators table").is_visible()
    _screenshot(page, "dashboard-commune-print")
    page.pdf(path=str(ARTIFACTS / "dashboard-commune-print.pdf"))
