"""The field app in Debian's Chromium: a member's day with the network cut, a villager from a
poster to a filed request, sign-out, accessibility and screenshots at 360×640."""

import os
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.activities.models import Activity
from server.demo.seed import seed_demo
from server.extensions import db
from server.requests.models import Comment, HelpRequest, Rating
from server.units.models import Unit
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, serving

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
MEMBER = "+84912000003"  # Lò Thị Hoa, team of Thôn Lô Lô Chải (demo)
VILLAGE = "Thôn Lô Lô Chải"


@pytest.fixture
def live_server(app):
    with app.app_context():
        seed_demo()
        db.session.commit()
    with serving(app) as base:
        yield base


class Phone:
    """One browser profile on a 360×640 phone, collecting console errors."""

    def __init__(self, context, base):
        self.context, self.base = context, base
        self.page = context.new_page()
        self.errors = []
        self.cut_until = 0.0  # while the network is cut (and a moment after), a failed load is expected
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path):
        self.page.goto(self.base + path)
        self.page.wait_for_selector("body[data-ready=true]")

    def _console(self, message):
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and time.monotonic() < self.cut_until:
            return  # Chromium logs every load the cut network refused; the app's own errors still count
        self.errors.append(f"{message.text} {message.location.get('url')}")

    def offline(self, cut: bool):
        self.context.set_offline(cut)
        self.cut_until = float("inf") if cut else time.monotonic() + 2

    def sign_in(self, name=None, phone=None):
        if name:
            self.page.get_by_role("button", name=name).click()
        else:
            self.page.get_by_label("Số điện thoại").fill(phone)
            self.page.get_by_role("button", name="Đăng nhập", exact=True).click()
        self.page.wait_for_selector("#tabs:not([hidden])")

    def wait_for_service_worker(self):
        self.page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        if not self.page.evaluate("!!navigator.serviceWorker.controller"):
            self.page.reload()
            self.page.wait_for_selector("body[data-ready=true]")
        assert self.page.evaluate("!!navigator.serviceWorker.controller")

    def wait_until_guides_kept(self):
        """The first sync after signing in saves the guides and their pictures; let it finish before
        the network is cut, as a phone left on the table would."""
        self.page.wait_for_function(
            """async () => (await import('/static/app/sync.js')).postersComplete()""", polling=200
        )

    def screenshot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"app-{name}.png"), full_page=False)

    def check_accessibility(self, screen):
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{screen}: {serious}"

    def outbox(self):
        return self.page.evaluate("""async () => {
            const store = await import('/static/app/store.js');
            return (await store.all('outbox')).map((i) => ({id: i.id, kind: i.kind, state: i.state, reason: i.reason}));
        }""")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "install Debian's Chromium (apt-get install chromium) for the browser tests"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="vi-VN", is_mobile=True, has_touch=True, device_scale_factor=1
    )
    yield Phone(context, live_server)
    context.close()


def _count(model, *where):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def log_one(page, resident=None, outcome="Thành công", blocker=None):
    if resident:
        page.get_by_role("button", name=resident).first.click()
    page.get_by_role("button", name="VNeID", exact=False).first.click()
    page.get_by_role("button", name="Cài ứng dụng").click()
    page.get_by_role("button", name=outcome, exact=True).click()
    if blocker:
        page.get_by_role("button", name=blocker).click()
    page.get_by_role("heading", name="Bạn đã giúp ai?").wait_for()


def test_a_member_logs_twenty_records_offline_and_they_arrive_exactly_once(phone, app_context):
    page = phone.page
    phone.open("/app/")
    phone.check_accessibility("sign-in")
    phone.screenshot("sign-in")
    phone.wait_for_service_worker()  # before signing in: its reload must not cut the first sync short
    cdp = phone.context.new_cdp_session(page)
    installability = cdp.send("Page.getInstallabilityErrors")
    cdp.detach()  # a second DevTools client would unsettle the offline emulation below
    # Chromium would offer to install it: nothing stands in the way but the test's private profile.
    assert {e["errorId"] for e in installability["installabilityErrors"]} <= {"in-incognito"}
    phone.sign_in("Lò Thị Hoa")
    page.get_by_role("heading", name="Việc giao cho tôi").wait_for()
    # Her own standing in her team's ranking this month, and her skills by service name.
    standing = page.locator("section.standing")
    expect(standing).to_contain_text("Thành tích của tôi tháng này")
    expect(standing).to_contain_text("Hạng ")
    expect(standing.locator("p.meta")).to_contain_text("Kỹ năng của tôi: ")
    phone.check_accessibility("member home")
    phone.screenshot("member-home")
    # Today's work: she claims the new request of her village and starts it.
    new_request = page.locator("li.request", has_text="Tài khoản VNeID bị khóa")
    new_request.get_by_role("button", name="nhận").click()
    mine = page.locator("li.request", has_text="Tài khoản VNeID bị khóa").get_by_role("button", name="bắt đầu")
    mine.click()
    expect(page.locator("li.request", has_text="Tài khoản VNeID bị khóa")).to_contain_text("đang xử lý")
    assert (
        _count(
            HelpRequest, HelpRequest.description.like("Tài khoản VNeID bị khóa%"), HelpRequest.status == "in_progress"
        )
        == 1
    )
    page.get_by_role("link", name="Thông báo").click()
    page.get_by_role("heading", name="Thông báo").wait_for()
    page.wait_for_timeout(300)
    phone.check_accessibility("inbox")
    phone.screenshot("inbox")

    page.get_by_role("link", name="Trang chính").click()
    page.get_by_role("link", name="Ghi nhận hỗ trợ").click()
    page.get_by_role("heading", name="Bạn đã giúp ai?").wait_for()
    phone.check_accessibility("who")

    phone.wait_until_guides_kept()
    phone.offline(True)
    page.get_by_role("button", name="Thêm người").click()
    phone.check_accessibility("add person")
    page.get_by_label("Người này đồng ý").check()
    page.get_by_label("Họ tên", exact=True).fill("Giàng Thị Mỷ")
    page.get_by_label("Năm sinh").fill("1958")
    phone.screenshot("add-person")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Dịch vụ nào?").wait_for()
    phone.check_accessibility("service")
    phone.screenshot("log-service")
    page.get_by_role("button", name="VNeID", exact=False).first.click()
    phone.check_accessibility("action")
    page.get_by_role("button", name="Xác thực danh tính").click()
    phone.check_accessibility("outcome")
    page.get_by_role("button", name="Chưa được", exact=True).click()
    phone.check_accessibility("blocker")
    phone.screenshot("log-blocker")
    page.get_by_role("button", name="Chưa có căn cước gắn chip").click()
    page.get_by_role("heading", name="Bạn đã giúp ai?").wait_for()
    for _number in range(19):
        log_one(page, resident="Giàng Thị Mỷ")
    phone.screenshot("log-saved")

    page.reload()  # still offline: the service worker opens the app from its cache
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("link", name="Hộp gửi").click()
    expect(page.locator('.outbox-item[data-state="waiting"]')).to_have_count(21)  # the person and 20 records
    expect(page.locator("#net")).to_contain_text("Mất mạng")
    phone.check_accessibility("outbox offline")
    phone.screenshot("outbox-offline")
    records = [item["id"] for item in phone.outbox() if item["kind"] == "activity"]
    assert len(records) == 20 and _count(Activity, Activity.id.in_([uuid.UUID(r) for r in records])) == 0

    phone.offline(False)
    page.locator('.outbox-item[data-state="waiting"]').first.wait_for(state="detached", timeout=20000)
    page.get_by_role("button", name="Gửi ngay").click()  # sending again changes nothing
    page.get_by_role("button", name="Gửi ngay").click()
    page.wait_for_timeout(500)
    expect(page.locator('.outbox-item[data-state="sent"]')).to_have_count(21)
    assert _count(Activity, Activity.id.in_([uuid.UUID(r) for r in records])) == 20
    failed = db.session.scalars(
        select(Activity).where(Activity.id.in_([uuid.UUID(r) for r in records]), Activity.outcome == "failed")
    ).all()
    assert len(failed) == 1 and failed[0].blocker == "no_chip_id_card" and failed[0].resident_id is not None
    phone.screenshot("outbox-sent")

    # A record the server refuses (a village outside her area) shows why, to fix or delete.
    with db.session.no_autoflush:
        far = db.session.scalar(select(Unit.code).where(Unit.code.like("00769.%")))
    page.evaluate(
        """async (unit) => {
        const sync = await import('/static/app/sync.js');
        await sync.enqueue('activity', {id: crypto.randomUUID(), unit, people: 3, service: 'vneid',
            action: 'install_app', outcome: 'succeeded', occurred_at: new Date().toISOString()});
    }""",
        far,
    )
    page.get_by_role("button", name="Gửi ngay").click()
    rejected = page.locator('.outbox-item[data-state="rejected"]')
    rejected.wait_for()
    assert rejected.get_attribute("data-reason") == "outside_area"
    assert "Thôn này nằm ngoài địa bàn bạn phụ trách." in rejected.inner_text()
    phone.check_accessibility("outbox rejected")
    phone.screenshot("outbox-rejected")

    # The same screens in English, from the same catalogues.
    page.locator("#lang").click()
    page.get_by_role("heading", name="Outbox").wait_for()
    assert "Not accepted" in page.inner_text("main")  # the server's reason stays in the words it was given in
    phone.check_accessibility("outbox in English")
    phone.screenshot("outbox-en")
    page.locator("#lang").click()
    page.get_by_role("heading", name="Hộp gửi").wait_for()

    # Signing out with an unsent record asks first.
    page.get_by_role("link", name="Trang chính").click()
    page.get_by_role("link", name="Đăng xuất (+84912000003)").click()
    page.get_by_role("button", name="Xóa và đăng xuất").wait_for()
    phone.screenshot("sign-out-warning")
    phone.check_accessibility("sign-out warning")
    page.get_by_role("button", name="Xóa và đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập", exact=True).wait_for()
    assert phone.outbox() == []
    assert not phone.errors, phone.errors


def test_a_villager_goes_from_a_poster_to_a_filed_request_and_files_one_offline(phone, as_phone, app_context):
    from server.teams.models import Team

    page = phone.page
    village = db.session.scalar(select(Unit).where(Unit.name == VILLAGE))
    team = db.session.scalar(select(Team).where(Team.unit_id == village.id))
    team.public_phone = "+84912777888"
    db.session.commit()

    page.goto(f"{phone.base}/p/vneid-install-level1?unit={village.code}")
    phone.screenshot("poster-page")
    page.get_by_role("link", name="Nhờ tổ giúp").first.click()  # at the top, and again after the steps
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.endswith(f"/app/help/new?unit={village.code}&service=vneid")
    call = page.get_by_role("link", name="Gọi cho tổ")
    call.wait_for()
    assert call.get_attribute("href") == "tel:+84912777888" and "Xã Lũng Cú" in page.inner_text("main")
    phone.check_accessibility("sign-in with contact")
    phone.screenshot("villager-sign-in")
    phone.wait_for_service_worker()
    phone.sign_in(phone="0987 000 111")

    page.get_by_role("heading", name="Nhờ tổ giúp").wait_for()
    assert page.get_by_label("Dịch vụ").input_value() == "vneid"
    expect(page.locator("#place")).to_contain_text(VILLAGE)
    page.get_by_label("Bạn cần giúp việc gì?").fill("Cháu cài VNeID cho bà nhưng không nhận mã OTP.")
    page.get_by_label("Khi nào tổ có thể gọi cho bạn?").fill("Sau 17 giờ")
    phone.check_accessibility("new request")
    phone.screenshot("villager-new-request")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    reference = page.locator(".reference strong")
    reference.wait_for()
    filed = db.session.scalars(
        select(HelpRequest).where(HelpRequest.description == "Cháu cài VNeID cho bà nhưng không nhận mã OTP.")
    ).all()
    assert len(filed) == 1 and reference.inner_text() == filed[0].reference
    assert filed[0].unit_id == village.id and filed[0].preferred_contact == "Sau 17 giờ"
    phone.check_accessibility("request")
    phone.screenshot("villager-request-filed")

    # The team answers, works on it and resolves it; the villager follows it, replies and rates.
    member = as_phone(MEMBER)
    request_id = str(filed[0].id)
    assert (
        member.post(f"/help-requests/{request_id}/comments", json={"body": "Chiều nay tôi gọi bà nhé."}).status_code
        == 201
    )
    for action in ("claim", "start", "resolve"):
        assert member.post(f"/help-requests/{request_id}/{action}", json={}).status_code == 200, action
    page.reload()
    page.get_by_text("Chiều nay tôi gọi bà nhé.").wait_for()
    assert "đã giải quyết" in page.inner_text("dl.facts")
    page.get_by_label("Trả lời của bạn").fill("Cảm ơn tổ!")
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.get_by_text("Cảm ơn tổ!").wait_for()
    page.get_by_role("button", name="5/5 sao").click()
    page.get_by_text("5/5 sao").wait_for()
    phone.check_accessibility("request resolved")
    phone.screenshot("villager-request-resolved")
    db.session.rollback()
    assert db.session.scalar(select(Rating.score).where(Rating.request_id == filed[0].id)) == 5
    assert _count(Comment, Comment.request_id == filed[0].id, Comment.body == "Cảm ơn tổ!") == 1

    # Guides are kept for reading offline.
    page.get_by_role("link", name="Hướng dẫn").click()
    page.get_by_text("Đã lưu để đọc khi không có mạng.").wait_for()  # the guides and their pictures
    page.get_by_role("link", name="Cài VNeID", exact=False).first.wait_for()
    phone.check_accessibility("guides")
    phone.screenshot("guides")

    # Filed with no network: kept on the phone, sent once when the network is back.
    phone.offline(True)
    page.get_by_role("link", name="Trang chính").click()
    page.get_by_role("link", name="Nhờ tổ giúp").click()
    page.get_by_label("Bạn cần giúp việc gì?").fill("Nhờ tổ hướng dẫn nộp hồ sơ dịch vụ công.")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.get_by_text("Yêu cầu của bạn được giữ trên máy").wait_for()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_text("Yêu cầu của bạn được giữ trên máy").wait_for()
    page.get_by_role("link", name="Hướng dẫn").click()
    page.get_by_role("link", name="Cài VNeID", exact=False).first.click()
    page.locator("ol.steps li").first.wait_for()
    phone.check_accessibility("guide")
    phone.screenshot("guide-offline")
    page.get_by_role("link", name="Trang chính").click()
    page.get_by_text("Chờ gửi").wait_for()
    phone.check_accessibility("villager home")
    phone.screenshot("villager-home-offline")
    assert _count(HelpRequest, HelpRequest.description.like("Nhờ tổ hướng dẫn nộp hồ sơ%")) == 0

    phone.offline(False)
    page.get_by_text("Chờ gửi").wait_for(state="detached", timeout=20000)
    assert _count(HelpRequest, HelpRequest.description.like("Nhờ tổ hướng dẫn nộp hồ sơ%")) == 1
    phone.screenshot("villager-home")

    # Signing out leaves nothing of this person for the next one on the same phone.
    page.get_by_role("link", name="Đăng xuất (+84987000111)").click()
    page.get_by_role("heading", name="Đăng nhập", exact=True).wait_for()
    phone.sign_in(phone="0987 000 222")
    page.get_by_role("heading", name="Yêu cầu của tôi").wait_for()
    page.wait_for_timeout(300)
    assert "Chưa có gì." in page.inner_text("main") and "OTP" not in page.inner_text("main")
    assert phone.outbox() == []
    assert not phone.errors, phone.errors


def test_a_leader_sees_last_month_and_manages_the_team(phone, app_context):
    from server.teams.models import Team, TeamMember

    page = phone.page
    phone.open("/app/")
    phone.sign_in("Sùng Mí Páo")
    page.get_by_role("link", name="Tổ của tôi").click()
    page.locator("dl.figures").wait_for()
    assert "Số người được hỗ trợ" in page.inner_text("dl.figures") and "Tháng trước" in page.inner_text("main")
    team = page.locator("section", has_text="Tổ công nghệ số thôn Lô Lô Chải")
    team.get_by_label("Số điện thoại để người dân gọi").fill("0912 777 888")
    team.get_by_role("button", name="Lưu").click()
    expect(
        page.locator("section", has_text="Tổ công nghệ số thôn Lô Lô Chải").get_by_label(
            "Số điện thoại để người dân gọi"
        )
    ).to_have_value("+84912777888")
    team = page.locator("section", has_text="Tổ công nghệ số thôn Lô Lô Chải")
    team.get_by_label("Số điện thoại", exact=True).fill("0977 111 222")
    team.get_by_label("Họ tên").fill("Giàng Thị Mai")
    team.get_by_role("button", name="Thêm thành viên").click()
    member = page.locator("li.member", has_text="Giàng Thị Mai")
    member.wait_for()
    phone.check_accessibility("team")
    phone.screenshot("leader-team")
    member.get_by_role("button", name="Bỏ khỏi tổ").click()
    member.get_by_role("button", name="Bấm lần nữa để bỏ Giàng Thị Mai").click()
    member.wait_for(state="detached")
    db.session.rollback()
    lolo = db.session.scalar(select(Team).where(Team.name == "Tổ công nghệ số thôn Lô Lô Chải"))
    assert lolo.public_phone == "+84912777888"
    assert _count(TeamMember, TeamMember.phone == "+84977111222") == 0
    assert not phone.errors, phone.errors


def test_an_expired_session_keeps_the_outbox_for_the_same_person(phone, app_context):
    page = phone.page
    phone.open("/app/")
    phone.wait_for_service_worker()
    phone.sign_in("Lò Thị Hoa")
    page.get_by_role("link", name="Ghi nhận hỗ trợ").click()
    page.get_by_role("heading", name="Bạn đã giúp ai?").wait_for()
    phone.wait_until_guides_kept()
    phone.offline(True)
    page.get_by_role("button", name="Một nhóm, không ghi tên").click()
    log_one(page)
    # The token is refused later (revoked, expired beyond refresh): the app forgets the session only.
    page.evaluate("""async () => (await import('/static/app/store.js')).remove('session', 'current')""")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    warning = page.get_by_text("Còn 1 bản ghi của +84912000003 chưa gửi.")
    warning.wait_for()
    phone.screenshot("sign-in-unsent")
    phone.offline(False)
    phone.sign_in("Lò Thị Hoa")
    page.goto(phone.base + "/app/outbox")
    expect(page.locator('.outbox-item[data-state="sent"]')).to_have_count(1)
    records = [item["id"] for item in phone.outbox()]
    assert _count(Activity, Activity.id.in_([uuid.UUID(r) for r in records])) == 1
    assert not phone.errors, phone.errors
