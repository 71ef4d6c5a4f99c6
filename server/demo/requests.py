"""Demo help requests in the villages of Lũng Cú and Mèo Vạc, in every state of their life, and one
from Xã Đồng Văn, which no team serves yet."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from ..auth.emulator import uid_for_phone
from ..auth.models import User
from ..auth.scope import load_scope
from ..dbutil import insert_ignoring_conflicts
from ..extensions import db
from ..notifications.models import Notification
from ..requests import services, transitions
from ..requests.models import Comment, HelpRequest, Rating, RequestEvent
from ..types import utcnow

NAMESPACE = uuid.UUID("5b0c3a52-4c1e-4c8e-9a43-7d1f2a9e6b10")
LEADER_LUNG_CU, HOA, CHU = "+84912000002", "+84912000003", "+84912000004"
LEADER_MEO_VAC, DO, SINH = "+84912000005", "+84912000006", "+84912000009"
# Villagers who ask for help (besides Lầu Mí Sính of the main demo list).
DEMO_RESIDENTS = {"+84912000010": "Vàng Thị Sua", "+84912000011": "Ly Mí Chứ"}
SUA, LY = "+84912000010", "+84912000011"
DEMO_NAMES = {
    LEADER_LUNG_CU: "Sùng Mí Páo",
    HOA: "Lò Thị Hoa",
    CHU: "Vàng Văn Chứ",
    LEADER_MEO_VAC: "Hoàng Văn Thắng",
    DO: "Thào Thị Dợ",
    SINH: "Lầu Mí Sính",
} | DEMO_RESIDENTS


@dataclass
class DemoRequest:
    key: str
    phone: str
    village: str
    service: str
    description: str
    hours_ago: int
    steps: list = field(default_factory=list)  # (phone, action, extra kwargs) or (phone, "comment"/"rate", …)
    on_behalf_of: services.OnBehalfOf | None = None
    preferred_contact: str | None = None


DEMO_REQUESTS = (
    DemoRequest(
        "vneid-locked",
        SINH,
        "00715.2",
        "vneid",
        "Tài khoản VNeID bị khóa sau khi nhập sai mật khẩu 5 lần, cần lấy lại để làm thủ tục đất đai.",
        3,
        preferred_contact="Buổi tối sau 19 giờ",
    ),
    DemoRequest(
        "agribank-nfc",
        SINH,
        "00715.2",
        "bank_app",
        "Muốn mở tài khoản ngân hàng trên điện thoại để nhận tiền bán chè, nhưng không quét được căn cước gắn chip.",
        20,
        [
            (HOA, "claim", {}),
            (HOA, "start", {}),
            (HOA, "comment", {"body": "Tối nay em qua nhà anh, anh nhớ để sẵn căn cước nhé.", "internal": False}),
            (
                HOA,
                "comment",
                {"body": "Điện thoại của anh Sính không có NFC, cần mượn máy khác để xác thực.", "internal": True},
            ),
        ],
    ),
    DemoRequest(
        "health-book-my",
        HOA,
        "00715.2",
        "health_book",
        "Bà Mỷ cần xem lịch tiêm và kết quả khám trên Sổ sức khỏe điện tử; bà không có điện thoại.",
        70,
        [
            (HOA, "claim", {}),
            (HOA, "start", {}),
            (HOA, "resolve", {"note": "Đã cài trên máy của con trai bà và hướng dẫn cách xem."}),
            (HOA, "close", {}),
            (HOA, "rate", {"score": 5, "comment": "Bà rất vui."}),
        ],
        on_behalf_of=services.OnBehalfOf("Giàng Thị Mỷ", 1951),
    ),
    DemoRequest(
        "qr-electricity",
        SINH,
        "00715.3",
        "e_payment",
        "Nhờ hướng dẫn trả tiền điện bằng mã QR qua ứng dụng ngân hàng.",
        30,
        [(CHU, "claim", {}), (CHU, "start", {}), (CHU, "wait", {"note": "Chờ anh Sính nạp tiền vào tài khoản."})],
    ),
    DemoRequest(
        "scam-call",
        SUA,
        "00715.4",
        "scam_safety",
        "Có người gọi tự xưng công an, bảo cài ứng dụng lạ để cập nhật VNeID; tôi đã bấm vào đường link.",
        100,
    ),
    DemoRequest(
        "zalo-forgot",
        SUA,
        "00715.2",
        "zalo",
        "Quên mật khẩu Zalo, không đăng nhập được.",
        50,
        [(SUA, "cancel", {"note": "Con trai đã giúp rồi."})],
    ),
    DemoRequest(
        "zalo-family",
        LY,
        "00769.1",
        "zalo",
        "Cài Zalo và tạo nhóm gia đình để gọi video cho con đang làm việc ở Bắc Ninh.",
        26,
        [(DO, "claim", {}), (DO, "resolve", {"note": 'Đã cài Zalo, tạo nhóm "Gia đình" và gọi thử.'})],
    ),
    DemoRequest(
        "birth-registration",
        LY,
        "00769.2",
        "dichvucong",
        "Nộp hồ sơ đăng ký khai sinh cho cháu trên Cổng Dịch vụ công.",
        8,
        [(LEADER_MEO_VAC, "assign", {"assignee_phone": DO})],
    ),
    # Xã Đồng Văn has no team yet: the request is unrouted, waiting for the province's monitor
    # (Nguyễn Thị Lan) to hand it to a team (dispatch).
    DemoRequest(
        "vneid-dong-van",
        LY,
        "00721",
        "vneid",
        "Mẹ tôi ở xã Đồng Văn cần kích hoạt tài khoản định danh điện tử mức 2 nhưng không biết làm.",
        5,
    ),
)


def seed_requests() -> str:
    """Idempotent: requests have fixed ids and are only made once."""
    for phone, name in DEMO_NAMES.items():
        _ensure_user(phone, name)
    made = 0
    for demo in DEMO_REQUESTS:
        request_id = uuid.uuid5(NAMESPACE, demo.key)
        if db.session.get(HelpRequest, request_id) is not None:
            continue
        request, _created = services.file_request(
            _scope(demo.phone),
            request_id,
            demo.village,
            demo.service,
            demo.description,
            demo.preferred_contact,
            demo.on_behalf_of,
        )
        for phone, action, extra in demo.steps:
            if action == "comment":
                services.add_comment(_scope(phone), request.id, extra["body"], extra["internal"])
            elif action == "rate":
                services.rate_request(_scope(phone), request.id, extra["score"], extra["comment"])
            else:
                transitions.apply_action(_scope(phone), request.id, action, **extra)
        _backdate(request.id, timedelta(hours=demo.hours_ago))
        made += 1
    db.session.flush()
    return f"{made} help requests."


def _ensure_user(phone: str, name: str) -> None:
    """Demo people exist as signed-in users, matching `flask dev token PHONE` tokens."""
    db.session.execute(
        insert_ignoring_conflicts(User.__table__, ["firebase_uid"]).values(
            firebase_uid=uid_for_phone(phone),
            phone=phone,
            display_name=name,
            locale="vi",
            created_at=utcnow(),
            last_seen_at=utcnow(),
        )
    )


def _scope(phone: str):
    return load_scope(db.session.scalar(select(User).where(User.phone == phone)))


def _backdate(request_id: uuid.UUID, age: timedelta) -> None:
    """Move a request's whole story into the past, so due times and overdue flags look lived-in."""
    columns = (
        "created_at",
        "updated_at",
        "first_response_due_at",
        "resolution_due_at",
        "first_responded_at",
        "paused_at",
        "resolved_at",
        "closed_at",
    )
    table = HelpRequest.__table__
    row = db.session.execute(select(*(table.c[c] for c in columns)).where(table.c.id == request_id)).one()
    db.session.execute(
        update(table)
        .where(table.c.id == request_id)
        .values({c: value - age for c, value in zip(columns, row, strict=True) if value is not None})
    )
    for model in (RequestEvent, Comment, Rating, Notification):
        # Core updates: history rows refuse ORM updates (they are append-only in the app).
        table = model.__table__
        key = table.c.request_id
        primary = list(table.primary_key.columns)[0]
        for row_id, created_at in db.session.execute(select(primary, table.c.created_at).where(key == request_id)):
            db.session.execute(update(table).where(primary == row_id).values(created_at=created_at - age))
    db.session.flush()
    db.session.expire_all()
