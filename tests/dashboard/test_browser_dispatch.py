"""A province monitor hands a request no team serves to a team, in Chromium."""

from playwright.sync_api import expect

from tests.dashboard.test_browser import _screenshot, _sign_in_as, live_server, page  # noqa: F401  (fixtures)


def test_monitor_dispatches_an_unrouted_request(live_server, page):  # noqa: F811 (fixtures)
    _sign_in_as(page, live_server, "/dashboard/units/08/requests", "Nguyễn Thị Lan")
    row = page.locator("tr", has_text="chưa có tổ phụ trách").first
    reference = row.get_attribute("id")
    assert row.locator("select[name=team]").count() == 1
    _screenshot(page, "dispatch-before")
    row.locator("select[name=team]").select_option(index=1)
    row.get_by_role("button", name="giao").click()
    expect(page.locator(".flash")).to_contain_text(reference)
    _screenshot(page, "dispatch-after")
    assert "chưa có tổ phụ trách" not in page.locator(f"tr[id='{reference}']").inner_text()
