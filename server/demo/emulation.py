"""Demo emulation: more members in Lũng Cú's teams (one with nothing recorded yet, so a zero score
shows), their records, and trainings with attendance, so rankings, exports and skills have content."""

import random
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from ..activities.ingest import record_batch
from ..activities.models import Activity
from ..auth.scope import Ability, load_scope
from ..coverage.periods import VIETNAM
from ..emulation.models import Training, TrainingAttendance
from ..extensions import db
from ..teams.models import Team, TeamMember
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import any_subtree_condition
from ..units.services import get_unit
from .activities import DEMO_NAMESPACE, _ensure_user, realistic_activity

# (phone, name, team, records): members beside those of DEMO_PEOPLE.
EXTRA_MEMBERS = (
    ("+84912000010", "Giàng Thị Say", "Tổ công nghệ số xã Lũng Cú", 120),
    ("+84912000011", "Lầu Mí Chá", "Tổ công nghệ số thôn Lô Lô Chải", 60),
    ("+84912000012", "Ly Thị Mỷ", "Tổ công nghệ số thôn Lô Lô Chải", 0),  # joined lately: nothing yet
)
# (key, commune, title, days ago, services, trainer)
TRAININGS = (
    (
        "lung-cu-vneid",
        "00715",
        "Tập huấn kích hoạt VNeID mức 2 và dịch vụ công",
        75,
        ["vneid", "dichvucong"],
        "Công an xã Lũng Cú",
    ),
    (
        "lung-cu-scam",
        "00715",
        "Tập huấn nhận diện lừa đảo qua mạng",
        20,
        ["scam_safety", "e_payment"],
        "Sở Khoa học và Công nghệ",
    ),
    ("meo-vac-bank", "00769", "Tập huấn mở tài khoản ngân hàng trên điện thoại", 40, ["bank_app"], "Agribank Mèo Vạc"),
)
LEADERS = {"00715": "+84912000002", "00769": "+84912000005"}


def seed_emulation() -> str:
    rng = random.Random(1313)
    added = 0
    for phone, name, team_name, records in EXTRA_MEMBERS:
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        member = db.session.scalar(select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.phone == phone))
        if member is None:
            db.session.add(TeamMember(team_id=team.id, phone=phone, display_name=name))
            db.session.flush()
        user = _ensure_user(phone, name)
        if records and not db.session.scalar(
            select(func.count()).select_from(Activity).where(Activity.member_id == user.id)
        ):
            scope = load_scope(user)
            villages = list(
                db.session.scalars(
                    select(Unit)
                    .where(Unit.level == "village", any_subtree_condition(Unit.path, scope.paths(Ability.WORK)))
                    .order_by(Unit.code)
                )
            )
            items = [realistic_activity(rng, rng.choice(villages).code, None, utcnow()) for _ in range(records)]
            for start in range(0, len(items), 50):
                added += sum(r["status"] == "created" for r in record_batch(scope, items[start : start + 50]).results)
    trainings = 0
    for key, commune_code, title, days_ago, services, trainer in TRAININGS:
        training_id = uuid.uuid5(DEMO_NAMESPACE, f"training/{key}")
        commune = get_unit(commune_code)
        leader = _ensure_user(LEADERS[commune_code], None)
        if db.session.get(Training, training_id) is None:
            held_on = (utcnow() - timedelta(days=days_ago)).astimezone(VIETNAM).date()
            db.session.add(
                Training(
                    id=training_id,
                    unit_id=commune.id,
                    unit_path=commune.path,
                    title=title,
                    held_on=held_on,
                    services=services,
                    trainer=trainer,
                    created_by_id=leader.id,
                )
            )
            db.session.flush()
            phones = sorted(
                set(
                    db.session.scalars(
                        select(TeamMember.phone)
                        .join(Team)
                        .join(Unit, Team.unit_id == Unit.id)
                        .where(any_subtree_condition(Unit.path, [commune.path]))
                    )
                )
            )
            for phone in phones[: max(1, len(phones) * 3 // 4)]:
                db.session.add(TrainingAttendance(training_id=training_id, phone=phone, recorded_by_id=leader.id))
            trainings += 1
    db.session.flush()
    return f"Demo emulation: {len(EXTRA_MEMBERS)} more members, {added} records, {trainings} trainings."
