"""Dashboard sign-in `next`: only a relative path under /dashboard/ is rendered and followed."""

import pytest

from server.dashboard.redirects import safe_next
from tests.dashboard.test_browser import live_server, page  # noqa: F401 (fixtures)

HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "https://elsewhere.example/",
    "//elsewhere.example/dashboard/",
    "/\\elsewhere.example",
    "/dashboard/../api/v1/me",
    "/dashboard//elsewhere.example",
    "/dashboard/%2e%2e/x",
    "data:text/html,<script>alert(1)</script>",
    "/dashboardx",
    "/api/v1/me",
    "/dashboard/\t/x",
    "http:/dashboard/",
    "/dashboard/%0d%0aSet-Cookie:x=1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_anything_but_a_dashboard_path_means_home(app, value):
    with app.test_request_context():
        assert safe_next(value) == "/dashboard/"


@pytest.mark.parametrize("value", ["/dashboard/", "/dashboard/units/08", "/dashboard/units/00715?period=2026-Q4"])
def test_dashboard_paths_are_kept(app, value):
    with app.test_request_context():
        assert safe_next(value) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_the_sign_in_page_never_renders_a_hostile_next(client, app_context, value):
    html = client.get("/dashboard/sign-in", query_string={"next": value}).get_data(as_text=True)
    assert 'data-next="/dashboard/"' in html


@pytest.mark.parametrize("value", HOSTILE[:4])
def test_the_language_switch_never_leaves_the_dashboard(client, app_context, value):
    response = client.get("/dashboard/lang/en", query_string={"next": value})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"


@pytest.mark.parametrize("next_value", ["javascript:window.pwned=1", "https://elsewhere.example/"])
def test_in_chromium_sign_in_stays_on_the_dashboard(live_server, page, next_value):  # noqa: F811
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{live_server}/dashboard/sign-in?next={next_value}")
    page.get_by_role("button", name="Nguyễn Thị Lan").click()
    page.wait_for_url(f"{live_server}/dashboard/units/08")  # home, which sends the monitor on to her province
    assert page.evaluate("window.pwned") is None
    assert violations == []


def test_in_chromium_the_script_checks_next_again(live_server, page):  # noqa: F811
    """Even if a hostile next reached the page, the sign-in script would not follow it."""

    def tamper(route):
        html = route.fetch().text().replace('data-next="/dashboard/"', 'data-next="javascript:window.pwned=1"')
        route.fulfill(body=html, headers={"content-type": "text/html; charset=utf-8"})

    page.route("**/dashboard/sign-in", tamper)
    page.goto(f"{live_server}/dashboard/sign-in")
    assert page.locator("#sign-in").get_attribute("data-next") == "javascript:window.pwned=1"
    page.get_by_role("button", name="Nguyễn Thị Lan").click()
    page.wait_for_url(f"{live_server}/dashboard/units/08")  # home, which sends the monitor on to her province
    assert page.evaluate("window.pwned") is None
