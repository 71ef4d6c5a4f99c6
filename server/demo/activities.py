"""Demo residents (with consent) and a few hundred assistance records over the last months.

Records go through the real ingest (`record_batch`) as the demo members, so the demo shows what
a phone's sync would have stored. The record generator is also used by bench/activities_bench.py."""

import random
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from ..activities.ingest import record_batch
from ..activities.models import Activity
from ..auth.emulator import uid_for_phone
from ..auth.models import User
from ..auth.scope import Ability, load_scope
from ..extensions import db
from ..residents.models import Resident
from ..residents.services import create_resident
from ..text import fold
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import any_subtree_condition
from .people import DEMO_PEOPLE

DEMO_NAMESPACE = uuid.UUID("6f1c1f0e-4c1a-4a51-9a39-5d0c0de5a5e5")
FAMILY = ("Sùng", "Giàng", "Vàng", "Lầu", "Ly", "Thào", "Mua", "Hầu", "Cháng", "Lò", "Sình", "Hoàng", "Nguyễn")
MEN = ("Mí Chá", "Mí Dình", "Seo Páo", "Mí Sính", "Văn Chứ", "Mí Lử", "Seo Pó", "Mí Và", "Chúng Tủa", "Văn Súa")
WOMEN = ("Thị Mai", "Thị Dợ", "Thị Say", "Thị Chở", "Thị Pà", "Thị Dí", "Thị Mỷ", "Thị Sua", "Thị Xó", "Thị Ly")
# service -> (actions, weight); group sessions are lessons and scam talks at the village hall.
SERVICES = {
    "vneid": (("install_app", "create_account", "verify_identity", "troubleshoot"), 30),
    "dichvucong": (("submit_public_service", "create_account"), 8),
    "bank_app": (("install_app", "create_account", "verify_identity"), 10),
    "e_payment": (("setup_payment", "make_payment"), 8),
    "mobile_money": (("setup_payment", "make_payment"), 5),
    "health_book": (("use_health_record",), 8),
    "vssid": (("install_app", "use_health_record"), 5),
    "zalo": (("install_app", "create_account", "troubleshoot"), 10),
    "ecommerce": (("create_account", "other"), 3),
    "scam_safety": (("scam_awareness",), 7),
    "digital_skills": (("digital_skills_lesson",), 6),
}
GROUP_ACTIONS = {"scam_awareness", "digital_skills_lesson"}
BLOCKERS = (
    ("weak_signal", 30),
    ("no_chip_id_card", 20),
    ("no_smartphone", 12),
    ("forgot_credentials", 12),
    ("phone_incompatible", 8),
    ("needs_in_person_office", 10),
    ("resident_declined", 5),
    ("other", 3),
)
NOTES = {
    "weak_signal": "Sóng yếu ở nhà, hẹn lên nhà văn hóa thôn làm tiếp.",
    "no_chip_id_card": "Chưa có căn cước gắn chip, hướng dẫn đăng ký làm tại công an xã.",
    "forgot_credentials": "Quên mật khẩu, đã hướng dẫn lấy lại qua số điện thoại.",
    "no_smartphone": "Không có điện thoại thông minh, dùng máy của con khi về.",
    "needs_in_person_office": "Phải ra bộ phận một cửa của xã để xác thực.",
    "verify_identity": "Kích hoạt tài khoản định danh mức 2 tại nhà.",
    "scam_awareness": "Sinh hoạt tại nhà văn hóa: nhận biết cuộc gọi giả danh công an.",
    "digital_skills_lesson": "Lớp Bình dân học vụ số buổi tối tại nhà văn hóa thôn.",
}


def _weighted(rng: random.Random, pairs):
    choices, weights = zip(*pairs, strict=True)
    return rng.choices(choices, weights)[0]


def resident_name(rng: random.Random) -> tuple[str, str]:
    gender = rng.choice(("female", "male"))
    return f"{rng.choice(FAMILY)} {rng.choice(WOMEN if gender == 'female' else MEN)}", gender


def realistic_activity(rng: random.Random, unit_code: str, resident_id, now, max_days: int = 120) -> dict:
    """One record as a member's phone would send it; `resident_id` None makes a group session when fitting."""
    service = _weighted(rng, ((code, weight) for code, (_actions, weight) in SERVICES.items()))
    action = rng.choice(SERVICES[service][0])
    outcome = _weighted(rng, (("succeeded", 72), ("partial", 12), ("failed", 16)))
    blocker = _weighted(rng, BLOCKERS) if outcome == "failed" or (outcome == "partial" and rng.random() < 0.6) else None
    moment = now - timedelta(days=rng.random() * max_days, hours=rng.random() * 3)
    item = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "unit": unit_code,
        "service": service,
        "action": action,
        "outcome": outcome,
        "occurred_at": moment.isoformat(timespec="seconds"),
        "minutes": rng.choice((10, 15, 20, 30, 30, 45, 60)),
    }
    if blocker:
        item["blocker"] = blocker
    if action in GROUP_ACTIONS or resident_id is None:
        item["people"] = rng.randint(6, 35) if action in GROUP_ACTIONS else 1
    else:
        item["resident"] = str(resident_id)
    note = NOTES.get(blocker) or NOTES.get(action)
    if note and rng.random() < 0.5:
        item["note"] = note
    return item


def seed_activities(records: int = 400, residents_per_village: int = 24) -> str:
    """Idempotent: residents have fixed ids; records are added only when the demo has none yet."""
    rng = random.Random(715)
    workers = [p for p in DEMO_PEOPLE if p.role in ("member", "team_leader")]
    scopes = {p.phone: load_scope(_ensure_user(p.phone, p.name)) for p in workers}
    villages = {
        p.phone: list(
            db.session.scalars(
                select(Unit)
                .where(Unit.level == "village", any_subtree_condition(Unit.path, scopes[p.phone].paths(Ability.WORK)))
                .order_by(Unit.code)
            )
        )
        for p in workers
    }
    residents_by_village = {}
    for village in sorted({v for vs in villages.values() for v in vs}, key=lambda v: v.code):
        registrar = next(p for p in workers if village in villages[p.phone])
        residents_by_village[village.code] = [
            _ensure_resident(scopes[registrar.phone], village, n, rng) for n in range(residents_per_village)
        ]
    _ensure_resident(scopes[workers[0].phone], villages[workers[0].phone][0], "duplicate", rng)
    demo_members = [scopes[p.phone].user.id for p in workers]
    if db.session.scalar(select(func.count()).select_from(Activity).where(Activity.member_id.in_(demo_members))):
        return "Demo activities: already there."
    now, stored = utcnow(), 0
    for worker in rng.sample(workers * (records // len(workers) // 25 + 1), k=records // 25):
        items = []
        for _ in range(25):
            village = rng.choice(villages[worker.phone])
            resident = rng.choice(residents_by_village[village.code]) if rng.random() < 0.85 else None
            items.append(realistic_activity(rng, village.code, resident and resident.id, now))
        results = record_batch(scopes[worker.phone], items).results
        stored += sum(r["status"] == "created" for r in results)
    residents = sum(len(r) for r in residents_by_village.values()) + 1
    return f"Demo activities: {residents} residents, {stored} assistance records."


def _ensure_user(phone: str, name: str) -> User:
    """The demo members as if they had signed in once (the dev token of their phone maps to this uid)."""
    user = db.session.scalar(select(User).where(User.firebase_uid == uid_for_phone(phone)))
    if user is None:
        user = User(firebase_uid=uid_for_phone(phone), phone=phone, display_name=name)
        db.session.add(user)
        db.session.flush()
    return user


def _ensure_resident(scope, village: Unit, number, rng: random.Random) -> Resident:
    resident_id = uuid.uuid5(DEMO_NAMESPACE, f"{village.code}/{number}")
    existing = db.session.get(Resident, resident_id)
    if existing is not None:
        return existing
    if number == "duplicate":  # the same woman registered twice, without diacritics: flagged for the leader
        first = db.session.get(Resident, uuid.uuid5(DEMO_NAMESPACE, f"{village.code}/0"))
        name, gender, birth_year = _undiacritic(first.name), first.gender, first.birth_year
    else:
        name, gender = resident_name(rng)
        birth_year = rng.randint(1945, 2006)
    consent = number == "duplicate" or number % 8 != 7  # a few only agreed to anonymous records
    data = {
        "id": resident_id,
        "unit": village.code,
        "consent": consent,
        "birth_year": birth_year,
        "gender": gender,
        "languages": ["hmn", "vi"] if rng.random() < 0.7 else ["vi"],
        "name": name if consent else None,
        "household": f"Hộ {name.split()[0]} {rng.choice(MEN)}" if consent and rng.random() < 0.5 else None,
    }
    resident, _created = create_resident(scope, data)
    return resident


def _undiacritic(name: str) -> str:
    return " ".join(word.capitalize() for word in fold(name).split())
