"""Coverage benchmark: reading coverage at province scale, at two sizes of history, and the ingest cost of aggregates.

    /work/venv/bin/python bench/coverage_bench.py                              # 100k then 1M records (a few minutes)
    /work/venv/bin/python bench/coverage_bench.py --records 100000,1000000,10000000   # the issue's sizes (~25 min)
    BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/postgres ...             # the PostgreSQL server to use

One PostgreSQL database (created here, dropped at the end) holds a realistic province: the official
tree, ~2,000 villages with populations under the communes of Tuyên Quang (08), a team of three per
village and a leader per commune, ~2 M residents, some thousands of help requests, and assistance
records over the last two years, bulk-loaded with COPY. The sizes are cumulative: the database
grows to each size in turn and is measured there.

For each size:
  1. Aggregates are built. At the smallest size (or up to --rebuild-limit records) by the real
     code (`rebuild_coverage()`, its rate printed), then recomputed by set-based SQL into scratch
     tables and compared row for row (marks, counters, last activity) to check the SQL computes
     the same numbers. Larger sizes by the SQL alone (rebuild_coverage() runs at ~1,300 records/s
     on this machine: 10 M would take about two hours); reads only touch the counters.
  2. Reads, through gunicorn on loopback (one sync worker) signed in as the province's monitor:
     GET /api/v1/coverage/08?period=… and …/08/children?indicator=people_helped&period=… over a
     mix of periods. Targets: p95 ≤ 50 ms and ≤ 80 ms, and at most 1.2× between the two sizes.
  3. Ingest: `record_batch` (500 realistic records from a member's phone, with the member's
     scope, committed) with the coverage queue's partial index (the only change aggregates made
     to the sync path) and without it, in alternating rounds on the same database. The issue's
     bar: with aggregates within 20 % of without. Then the coverage worker counts those records.

Before the sizes, the cost of keeping denominators on write: the recount after a village's
population is set and after a member joins a team."""

import argparse
import bisect
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from server import create_app  # noqa: E402
from server.activities import ingest  # noqa: E402
from server.auth.emulator import mint_emulator_token, uid_for_phone  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.scope import load_scope  # noqa: E402
from server.content.files import default_root  # noqa: E402
from server.content.loader import load_content_from  # noqa: E402
from server.coverage.denominators import count_member_change, rebuild_denominators, recount_areas  # noqa: E402
from server.coverage.models import CoverageTarget  # noqa: E402
from server.coverage.periods import VIETNAM  # noqa: E402
from server.coverage.rebuild import rebuild_coverage  # noqa: E402
from server.coverage.worker import update_all  # noqa: E402
from server.extensions import db  # noqa: E402
from server.requests.models import HelpRequest, ReferenceCounter, Status  # noqa: E402
from server.requests.services import format_reference  # noqa: E402
from server.roles.models import Role, RoleGrant  # noqa: E402
from server.roles.services import grant_role_as_administrator  # noqa: E402
from server.teams.models import Team, TeamMember  # noqa: E402
from server.text import fold  # noqa: E402
from server.types import utcnow  # noqa: E402
from server.units.models import Unit  # noqa: E402
from server.units.official import import_official_units  # noqa: E402
from server.units.paths import child_path  # noqa: E402

PROJECT = "toso-dev"
MONITOR_PHONE = "+84912000808"
MEMBERS_PER_TEAM = 3
DAYS = 730  # two years of history
COPY_CHUNK = 100_000
BATCH = 500

VILLAGE_WORDS = ("Thôn", "Bản", "Tổ dân phố")
NAME_WORDS = (
    "Nà",
    "Phìn",
    "Sủng",
    "Lô Lô",
    "Chải",
    "Tả",
    "Pả",
    "Vi",
    "Khuổi",
    "Nặm",
    "Cốc",
    "Lũng",
    "Séo",
    "Hạ",
    "Thượng",
    "Mới",
    "Trung",
    "Đông",
    "Tây",
    "Bình",
    "An",
    "Phú",
    "Tân",
    "Làng",
)
# Individual help: (service, action, weight).
INDIVIDUAL = (
    ("vneid", "install_app", 7),
    ("vneid", "create_account", 6),
    ("vneid", "verify_identity", 12),
    ("vneid", "use_health_record", 3),
    ("vneid", "troubleshoot", 5),
    ("dichvucong", "create_account", 4),
    ("dichvucong", "submit_public_service", 8),
    ("bank_app", "install_app", 4),
    ("bank_app", "setup_payment", 9),
    ("bank_app", "make_payment", 4),
    ("e_payment", "setup_payment", 3),
    ("e_payment", "make_payment", 4),
    ("mobile_money", "setup_payment", 2),
    ("health_book", "use_health_record", 6),
    ("vssid", "install_app", 3),
    ("zalo", "install_app", 6),
    ("zalo", "troubleshoot", 4),
    ("scam_safety", "scam_awareness", 5),
    ("digital_skills", "digital_skills_lesson", 3),
    ("ecommerce", "create_account", 2),
    ("provincial_app", "install_app", 2),
    ("zalo", "other", 1),
)
# Group sessions (no named resident, a number of people).
GROUP = (("digital_skills", "digital_skills_lesson", 7), ("scam_safety", "scam_awareness", 3))
BLOCKERS = (
    ("weak_signal", 25),
    ("no_smartphone", 20),
    ("forgot_credentials", 15),
    ("no_chip_id_card", 10),
    ("phone_incompatible", 10),
    ("needs_in_person_office", 10),
    ("resident_declined", 5),
    ("other", 5),
)
GROUP_SHARE = 0.08  # records that are group sessions
COMMUNE_SHARE = 0.03  # records a commune leader files at commune level
OTHER_VILLAGE_SHARE = 0.07  # residents helped outside their own village (same commune)
CORRECTION_SHARE = 0.003  # records that supersede an earlier one
MERGED_SHARE = 0.001  # residents found to be duplicates and merged


# ---------------------------------------------------------------- the province


@dataclass
class Village:
    id: int
    code: str
    path: str
    commune: int  # index into World.communes
    first_resident: int
    residents: int
    members: list[int]  # user ids; the first one's phone is in `phones`
    phones: list[str]


@dataclass
class Commune:
    id: int
    code: str
    path: str
    depth: int
    leader: int  # user id of the commune's team leader
    villages: list[int] = field(default_factory=list)


@dataclass
class World:
    villages: list[Village]
    communes: list[Commune]
    resident_ids: list[int]  # 128-bit ints, index = resident number
    activity_weights: list[float]  # cumulative, per village: how busy its team is


def uuid4_bits(rng: random.Random) -> int:
    bits = rng.getrandbits(128)
    return (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)


def build_province(args, rng: random.Random, now: datetime, pg_url: str) -> World:
    """Official tree, villages, teams, users, grants, targets and requests through SQLAlchemy; residents by COPY."""
    upgrade()
    import_official_units()
    load_content_from(default_root(None))
    province = db.session.scalar(select(Unit).where(Unit.code == args.province))
    communes_rows = db.session.scalars(
        select(Unit).where(Unit.parent_id == province.id, Unit.level == "commune").order_by(Unit.code)
    ).all()
    base_unit = db.session.scalar(select(func.max(Unit.id))) + 1
    communes = [Commune(c.id, c.code, c.path, c.depth, leader=0) for c in communes_rows]
    # Village sizes vary a lot (a hamlet of 300, a town quarter of 3,000): lognormal, scaled to the total.
    sizes = [rng.lognormvariate(0, 0.5) for _ in range(args.villages)]
    scale = args.residents / sum(sizes)
    counts = [max(1, int(s * scale)) for s in sizes]
    counts[max(range(len(counts)), key=counts.__getitem__)] += args.residents - sum(
        counts
    )  # the largest absorbs rounding
    units, teams, members, users, villages = [], [], [], [], []
    user_id, first = 1, 0
    for n in range(args.villages):
        ci = n % len(communes)
        commune = communes[ci]
        code = f"{commune.code}.{n // len(communes) + 1}"
        name = f"{rng.choice(VILLAGE_WORDS)} {rng.choice(NAME_WORDS)} {rng.choice(NAME_WORDS)}"
        population = int(counts[n] * rng.uniform(1.05, 1.35))  # not everyone is in ToSo yet
        units.append(
            dict(
                id=base_unit + n,
                code=code,
                name=name,
                search_name=fold(name),
                level="village",
                parent_id=commune.id,
                path=child_path(commune.path, code),
                depth=commune.depth + 1,
                official=False,
                population=population,
                households=round(population / 4.2),
                created_at=now,
                updated_at=now,
            )
        )
        teams.append(dict(id=n + 1, unit_id=base_unit + n, name=f"Tổ CNS cộng đồng {name}", created_at=now))
        ids, phones = [], []
        for m in range(MEMBERS_PER_TEAM):
            phone = f"+849{n:05d}{m:03d}"
            users.append(
                dict(id=user_id, firebase_uid=uid_for_phone(phone), phone=phone, created_at=now, last_seen_at=now)
            )
            members.append(dict(team_id=n + 1, phone=phone, display_name=f"Tổ viên {m + 1}", created_at=now))
            ids.append(user_id)
            phones.append(phone)
            user_id += 1
        villages.append(Village(base_unit + n, code, units[-1]["path"], ci, first, counts[n], ids, phones))
        commune.villages.append(n)
        first += counts[n]
    grants = []
    for ci, commune in enumerate(communes):
        phone = f"+848{ci:05d}000"
        users.append(dict(id=user_id, firebase_uid=uid_for_phone(phone), phone=phone, created_at=now, last_seen_at=now))
        grants.append(dict(phone=phone, role=Role.TEAM_LEADER.value, unit_id=commune.id, created_at=now))
        commune.leader = user_id
        user_id += 1
    requester = user_id
    users.append(
        dict(id=requester, firebase_uid="bench-villager", phone="+84999999999", created_at=now, last_seen_at=now)
    )
    for model, rows in ((Unit, units), (Team, teams), (User, users), (TeamMember, members), (RoleGrant, grants)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model.__table__), rows[start : start + 5000])
    for table in ("units", "teams", "users"):
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )
    grant_role_as_administrator(MONITOR_PHONE, Role.MONITOR, args.province)
    # Decision 411-style targets on the province, so coverage shows progress against them.
    for indicator, rate in (("payments_enabled", 0.8), ("identity_verified", 0.9), ("people_helped", 0.7)):
        db.session.add(
            CoverageTarget(
                unit_id=province.id,
                indicator=indicator,
                rate=rate,
                deadline=date(now.year, 12, 31),
                note="Quyết định 411/QĐ-TTg",
            )
        )
    _add_requests(args.requests, villages, requester, rng, now)
    started = time.perf_counter()
    counted = rebuild_denominators()  # the rows above bypassed the services that keep them
    print(f"  denominators of {counted:,} units counted in {time.perf_counter() - started:.2f} s")
    db.session.commit()

    weights, total = [], 0.0
    for village in villages:  # some teams are busy, some quiet, a few have done nothing yet
        total += 0.0 if rng.random() < 0.03 else village.residents * rng.lognormvariate(0, 0.8)
        weights.append(total)
    world = World(villages, communes, [], weights)
    started = time.perf_counter()
    _copy_residents(world, rng, pg_url, now)
    print(f"  {args.residents:,} residents copied in {time.perf_counter() - started:.1f} s")
    return world


def _add_requests(count: int, villages: list[Village], requester: int, rng: random.Random, now: datetime) -> None:
    """Help requests over two years: most resolved (about four in five within the 72-hour SLA), some still open."""
    services = ("vneid", "dichvucong", "bank_app", "e_payment", "zalo", "health_book", "vssid", "scam_safety")
    rows, numbers = [], {}
    for _ in range(count):
        n = rng.randrange(len(villages))
        village = villages[n]
        created = now - timedelta(minutes=int(DAYS * 24 * 60 * (1 - rng.random() ** 0.5)))
        age = now - created
        roll = rng.random()
        if age > timedelta(days=7):
            status = (
                Status.CLOSED
                if roll < 0.80
                else Status.RESOLVED
                if roll < 0.90
                else Status.CANCELLED
                if roll < 0.95
                else Status.IN_PROGRESS
            )
        else:
            status = (
                Status.NEW
                if roll < 0.3
                else Status.ASSIGNED
                if roll < 0.45
                else Status.IN_PROGRESS
                if roll < 0.65
                else Status.RESOLVED
                if roll < 0.9
                else Status.CLOSED
            )
        hours = rng.lognormvariate(3.3, 0.9)  # median ~27 h
        resolved = created + timedelta(hours=hours) if status in (Status.RESOLVED, Status.CLOSED) else None
        if resolved and resolved > now:
            resolved = now - timedelta(minutes=5)
        year = created.astimezone(VIETNAM).year
        numbers[year] = numbers.get(year, 0) + 1
        assigned = status not in (Status.NEW, Status.CANCELLED)
        rows.append(
            dict(
                id=uuid.UUID(int=uuid4_bits(rng)),
                year=year,
                number=numbers[year],
                reference=format_reference(year, numbers[year]),
                unit_id=village.id,
                unit_path=village.path,
                team_id=n + 1,
                service=rng.choice(services),
                description="Nhờ tổ cài đặt và đăng nhập ứng dụng giúp.",
                requester_id=requester,
                status=status,
                version=1,
                assignee_id=village.members[0] if assigned else None,
                first_responded_at=created + timedelta(hours=rng.uniform(0.2, 20)) if assigned else None,
                first_response_due_at=created + timedelta(hours=24),
                resolution_due_at=created + timedelta(hours=72),
                resolved_at=resolved,
                closed_at=resolved + timedelta(days=1) if status == Status.CLOSED else None,
                created_at=created,
                updated_at=resolved or created,
            )
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(HelpRequest.__table__), rows[start : start + 5000])
    db.session.execute(insert(ReferenceCounter.__table__), [dict(year=y, last_number=n) for y, n in numbers.items()])


# ---------------------------------------------------------------- bulk loading


@contextmanager
def bulk_load(connection: psycopg.Connection, table: str):
    """Drop the table's indexes (and its key, when nothing references it) during a COPY, rebuild them after,
    with foreign-key triggers off for this session (the generator only makes valid references)."""
    referenced = (
        connection.execute(
            "SELECT 1 FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'", (table,)
        ).fetchone()
        is not None
    )
    constraints = connection.execute(
        "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
        (table,),
    ).fetchall()
    kept_indexes = {row[2] for row in constraints} if referenced else set()
    dropped_constraints = [] if referenced else constraints
    indexes = connection.execute(
        "SELECT i.indexrelid, pg_get_indexdef(i.indexrelid), c.relname FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
        (table,),
    ).fetchall()
    constraint_indexes = {row[2] for row in constraints}
    plain = [
        (name, definition)
        for oid, definition, name in indexes
        if oid not in constraint_indexes and oid not in kept_indexes
    ]
    for name, _constraint, _index in dropped_constraints:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in plain:
        connection.execute(f'DROP INDEX "{name}"')
    connection.execute("SET session_replication_role = replica")
    yield
    connection.execute("SET session_replication_role = DEFAULT")
    connection.execute("SET maintenance_work_mem = '1GB'")
    for name, definition, _index in dropped_constraints:
        connection.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in plain:
        connection.execute(definition)


def _copy_residents(world: World, rng: random.Random, pg_url: str, now: datetime) -> None:
    stamp = now.isoformat()
    with psycopg.connect(pg_url) as connection:
        with bulk_load(connection, "residents"):
            with connection.cursor().copy(
                "COPY residents (id, unit_id, birth_year, gender, languages, consent, content_hash, "
                "merged_into_id, merged_at, created_at, updated_at) FROM STDIN"
            ) as copy:
                for village in world.villages:
                    lines = []
                    previous_merged = True
                    for _ in range(village.residents):
                        bits = uuid4_bits(rng)
                        world.resident_ids.append(bits)
                        merged = merged_at = r"\N"
                        if not previous_merged and rng.random() < MERGED_SHARE:
                            # found to be a duplicate of the previous resident of the village, and merged
                            merged, merged_at = f"{world.resident_ids[-2]:032x}", stamp
                        previous_merged = merged_at == stamp
                        lines.append(
                            f"{bits:032x}\t{village.id}\t{rng.randint(1940, 2008)}\t"
                            f"{'female' if rng.random() < 0.51 else 'male'}\t[]\tf\t"
                            f"\\\\x{rng.getrandbits(128):032x}\t{merged}\t{merged_at}\t{stamp}\t{stamp}\n"
                        )
                    copy.write("".join(lines))
        connection.commit()
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE residents")


class RecordMaker:
    """Realistic assistance records: busier villages and recent months get more, most records name a
    resident of the village (a few someone from elsewhere in the commune), some are group sessions."""

    def __init__(self, world: World, rng: random.Random, now: datetime):
        self.world, self.rng = world, rng
        first_day = (now.astimezone(VIETNAM) - timedelta(days=DAYS)).date()
        self.days = [(first_day + timedelta(days=d)).isoformat() for d in range(DAYS)]  # the last one is yesterday
        self.minutes = [f"{m // 60:02d}:{m % 60:02d}" for m in range(7 * 60, 20 * 60)]  # working hours, local time
        self.individual = [f"{s}\t{a}" for s, a, _w in INDIVIDUAL]
        self.individual_weights = _cumulative(w for _s, _a, w in INDIVIDUAL)
        self.group = [f"{s}\t{a}" for s, a, _w in GROUP]
        self.group_weights = _cumulative(w for _s, _a, w in GROUP)
        self.blockers = [b for b, _w in BLOCKERS]
        self.blocker_weights = _cumulative(w for _b, w in BLOCKERS)

    def pick(self, choices, cumulative):
        return choices[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def resident_of(self, village: Village) -> int:
        # Some people are helped again and again (the elderly, those without a smartphone): a skewed pick.
        return self.world.resident_ids[village.first_resident + int(village.residents * self.rng.random() ** 1.7)]

    def lines(self, count: int):
        """COPY text lines, in chunks."""
        rng, world = self.rng, self.world
        random_, getrandbits = rng.random, rng.getrandbits
        recent: list[str] = []
        out = []
        for _ in range(count):
            n = bisect.bisect_right(world.activity_weights, random_() * world.activity_weights[-1])
            village = world.villages[n]
            commune = world.communes[village.commune]
            if random_() < COMMUNE_SHARE:
                unit_id, unit_path, member = commune.id, commune.path, commune.leader
                home = world.villages[commune.villages[int(random_() * len(commune.villages))]]
            else:
                unit_id, unit_path, member = village.id, village.path, village.members[int(random_() * 3)]
                home = (
                    village
                    if random_() >= OTHER_VILLAGE_SHARE
                    else world.villages[commune.villages[int(random_() * len(commune.villages))]]
                )
            if random_() < GROUP_SHARE:
                resident, people = r"\N", str(int(5 + 55 * random_() ** 2))
                what = self.pick(self.group, self.group_weights)
                roll = random_()
                outcome, blocker = (
                    ("succeeded", r"\N")
                    if roll < 0.9
                    else ("partial", "weak_signal")
                    if roll < 0.98
                    else ("failed", self.pick(self.blockers, self.blocker_weights))
                )
            else:
                resident, people = f"{self.resident_of(home):032x}", r"\N"
                what = self.pick(self.individual, self.individual_weights)
                roll = random_()
                if roll < 0.74:
                    outcome, blocker = "succeeded", r"\N"
                elif roll < 0.84:
                    outcome = "partial"
                    blocker = self.pick(self.blockers, self.blocker_weights) if random_() < 0.6 else r"\N"
                else:
                    outcome, blocker = "failed", self.pick(self.blockers, self.blocker_weights)
            day = min(DAYS - 1, int(DAYS * random_() ** 0.5))  # the programme grows: more records lately
            minute = int(random_() * len(self.minutes))
            occurred = f"{self.days[day]} {self.minutes[minute]}:00+07"
            late = 0 if random_() < 0.8 else 1 + int(random_() * 3)  # most phones sync the same day
            received = (
                occurred
                if not late
                else f"{self.days[min(DAYS - 1, day + late)]} {self.minutes[int(random_() * len(self.minutes))]}:00+07"
            )
            record_id = f"{uuid4_bits(rng):032x}"
            supersedes = rng.choice(recent) if recent and random_() < CORRECTION_SHARE else r"\N"
            recent.append(record_id)
            if len(recent) > 1000:
                recent = recent[500:]
            out.append(
                f"{record_id}\t{member}\t{unit_id}\t{unit_path}\t{resident}\t{people}\t{what}\t{outcome}\t"
                f"{blocker}\t{occurred}\t{received}\t{5 + int(55 * random_())}\t{supersedes}\t"
                f"\\\\x{getrandbits(128):032x}\tt\n"
            )
            if len(out) == COPY_CHUNK:
                yield "".join(out)
                out = []
        if out:
            yield "".join(out)


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def copy_records(maker: RecordMaker, count: int, pg_url: str) -> None:
    with psycopg.connect(pg_url) as connection:
        with bulk_load(connection, "activities"):
            with connection.cursor().copy(
                "COPY activities (id, member_id, unit_id, unit_path, resident_id, people, service, action, "
                "outcome, blocker, occurred_at, received_at, minutes, supersedes_id, content_hash, aggregated) "
                "FROM STDIN"
            ) as copy:
                for chunk in maker.lines(count):
                    copy.write(chunk)
        connection.commit()
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE activities")


# ---------------------------------------------------------------- aggregates by set-based SQL

# The same numbers as server/coverage/aggregates.py, computed over all effective records at once:
# marks (reference-counted subjects) per indicator and period, counters summed from the marks and the
# plain amounts, and the last activity of each village and member. Periods are Vietnam time (UTC+7).
EFFECTIVE = "NOT EXISTS (SELECT 1 FROM activities s WHERE s.supersedes_id = a.id)"
MONTH = "to_char((a.occurred_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM')"
QUARTER = "left({m}, 4) || '-Q' || ((substr({m}, 6, 2)::int - 1) / 3 + 1)"
SQL_PREPARE = f"""
CREATE TEMP TABLE b_prefix AS  -- each unit path with the code and path of itself and every unit above it
  SELECT u.path, p.code, p.path AS prefix FROM units u JOIN units p ON left(u.path, length(p.path)) = p.path;
CREATE INDEX ON b_prefix (path);
CREATE TEMP TABLE b_village AS  -- the village of a unit path: its deepest unit of level village
  SELECT DISTINCT ON (b.path) b.path, v.code AS village, v.path AS village_path
  FROM b_prefix b JOIN units v ON v.path = b.prefix AND v.level = 'village' ORDER BY b.path, length(v.path) DESC;
CREATE TEMP TABLE b_amounts AS  -- plain amounts per unit path, month and indicator
  SELECT a.unit_path, {MONTH} AS month, x.indicator, sum(x.amount)::bigint AS amount
  FROM activities a CROSS JOIN LATERAL (VALUES
    ('public_services_submitted', CASE WHEN a.outcome = 'succeeded' AND a.action = 'submit_public_service' THEN 1 END),
    ('digital_skills_lessons', CASE WHEN a.action = 'digital_skills_lesson' AND a.outcome <> 'failed'
                                     AND a.resident_id IS NULL THEN a.people END),
    ('blocker:' || coalesce(a.blocker, 'unknown'), CASE WHEN a.outcome <> 'succeeded' THEN 1 END)
  ) x(indicator, amount)
  WHERE x.amount IS NOT NULL AND {EFFECTIVE}
  GROUP BY 1, 2, 3;
CREATE TEMP TABLE b_month_marks AS  -- subjects per indicator and month, with how many records put them there
  SELECT x.indicator, m.month, x.subject, min(x.path) AS path, count(*) AS refs
  FROM (SELECT a.member_id, a.unit_path, a.service, a.action, a.outcome, {MONTH} AS month,
               c.id AS resident, h.path AS home, v.village, v.village_path
        FROM activities a
        LEFT JOIN residents r ON r.id = a.resident_id
        LEFT JOIN residents c ON c.id = coalesce(r.merged_into_id, r.id)
        LEFT JOIN units h ON h.id = c.unit_id
        LEFT JOIN b_village v ON v.path = a.unit_path
        WHERE {EFFECTIVE}) m
  CROSS JOIN LATERAL (
    SELECT 'people_helped', 'r:' || m.resident, m.home WHERE m.resident IS NOT NULL AND m.outcome = 'succeeded'
    UNION ALL SELECT 'identity_verified', 'r:' || m.resident, m.home WHERE m.resident IS NOT NULL
      AND m.outcome = 'succeeded' AND m.service = 'vneid' AND m.action = 'verify_identity'
    UNION ALL SELECT 'payments_enabled', 'r:' || m.resident, m.home WHERE m.resident IS NOT NULL
      AND m.outcome = 'succeeded' AND m.action = 'setup_payment'
    UNION ALL SELECT 'health_record_used', 'r:' || m.resident, m.home WHERE m.resident IS NOT NULL
      AND m.outcome = 'succeeded' AND (m.action = 'use_health_record' OR m.service = 'health_book')
    UNION ALL SELECT 'digital_skills_lessons', 'r:' || m.resident, m.home WHERE m.resident IS NOT NULL
      AND m.action = 'digital_skills_lesson' AND m.outcome <> 'failed'
    UNION ALL SELECT 'villages_reached', 'u:' || m.village, m.village_path WHERE m.village IS NOT NULL
    UNION ALL SELECT 'active_members', 'm:' || m.member_id || '@' || p.code, p.prefix
      FROM b_prefix p WHERE p.path = m.unit_path
  ) x(indicator, subject, path)
  GROUP BY 1, 2, 3;
"""
SQL_FILL = """
INSERT INTO {marks} (indicator, period, subject, village_path)
  SELECT indicator, month, subject, path FROM b_month_marks
  UNION ALL SELECT indicator, {quarter}, subject, min(path) FROM b_month_marks GROUP BY 1, 2, 3
  UNION ALL SELECT indicator, left(month, 4), subject, min(path) FROM b_month_marks GROUP BY 1, 2, 3
  UNION ALL SELECT indicator, 'all', subject, min(path) FROM b_month_marks GROUP BY 1, 3;
INSERT INTO {counters} (unit_code, period, indicator, value)
  SELECT unit_code, period, indicator, sum(value) FROM (
    -- a resident or village mark counts in every unit above its village; a member mark where it is kept
    SELECT p.code AS unit_code, g.period, g.indicator, sum(g.n) AS value
    FROM (SELECT village_path, period, indicator, count(*) AS n FROM {marks}
          WHERE subject NOT LIKE 'm:%' GROUP BY 1, 2, 3) g
    JOIN b_prefix p ON p.path = g.village_path GROUP BY 1, 2, 3
    UNION ALL
    SELECT split_part(subject, '@', 2), period, indicator, count(*) FROM {marks}
    WHERE subject LIKE 'm:%' GROUP BY 1, 2, 3
    UNION ALL
    SELECT p.code, k.period, b.indicator, sum(b.amount)
    FROM b_amounts b JOIN b_prefix p ON p.path = b.unit_path
    CROSS JOIN LATERAL (VALUES (b.month), ({amount_quarter}), (left(b.month, 4)), ('all')) k(period)
    GROUP BY 1, 2, 3
  ) t GROUP BY 1, 2, 3 HAVING sum(value) <> 0;
INSERT INTO {last} (subject, occurred_at)
  SELECT 'unit:' || v.village, max(a.occurred_at) FROM activities a JOIN b_village v ON v.path = a.unit_path
  WHERE {effective} GROUP BY 1
  UNION ALL
  SELECT 'member:' || a.member_id, max(a.occurred_at) FROM activities a WHERE {effective} GROUP BY 1;
"""


def sql_aggregates(pg_url: str, into_real_tables: bool) -> dict[str, float]:
    """Build marks, counters and last activity with set-based SQL; into the real tables, or into b_* scratch
    tables for comparison. Returns the time of each step."""
    steps = {}
    with psycopg.connect(pg_url) as connection:
        connection.execute("SET work_mem = '256MB'")
        connection.execute("SET maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        for statement in filter(str.strip, SQL_PREPARE.split(";\n")):
            connection.execute(statement)
        steps["records → monthly marks and amounts"] = time.perf_counter() - started
        names = {"marks": "coverage_marks", "counters": "coverage_counters", "last": "coverage_last_activity"}
        if into_real_tables:
            connection.execute("TRUNCATE coverage_marks, coverage_counters, coverage_last_activity")
        else:
            names = {key: f"b_{key}" for key in names}
            for key, table in (
                ("marks", "coverage_marks"),
                ("counters", "coverage_counters"),
                ("last", "coverage_last_activity"),
            ):
                connection.execute(f"CREATE TEMP TABLE b_{key} (LIKE {table})")
        fill = SQL_FILL.format(
            **names, quarter=QUARTER.format(m="month"), amount_quarter=QUARTER.format(m="b.month"), effective=EFFECTIVE
        )
        started = time.perf_counter()
        with bulk_load(connection, names["marks"]) if into_real_tables else _nothing():
            for statement in filter(str.strip, fill.split(";\n")):
                connection.execute(statement)
        steps["marks by period, counters, last activity"] = time.perf_counter() - started
        if into_real_tables:
            started = time.perf_counter()
            # What the worker records of each record it has seen: counted, or superseded.
            # Records are loaded as counted; the few that a correction supersedes are not.
            connection.execute(
                "UPDATE activities SET aggregated = false WHERE aggregated AND id IN "
                "(SELECT supersedes_id FROM activities WHERE supersedes_id IS NOT NULL)"
            )
            steps["records flagged as counted"] = time.perf_counter() - started
            connection.commit()
            return steps
        steps["differences"] = _differences(connection)
        connection.rollback()
    return steps


@contextmanager
def _nothing():
    yield


def _differences(connection) -> int:
    """Rows that differ between what rebuild_coverage() stored and what the SQL computed (0 = the same)."""
    total = 0
    for real, mine, columns in (
        ("coverage_marks", "b_marks", "indicator, period, subject, village_path"),
        ("coverage_counters", "b_counters", "unit_code, period, indicator, value"),
        ("coverage_last_activity", "b_last", "subject, occurred_at"),
    ):
        where = " WHERE value <> 0" if real == "coverage_counters" else ""
        count = connection.execute(
            f"SELECT (SELECT count(*) FROM (SELECT {columns} FROM {real}{where} EXCEPT SELECT {columns} FROM {mine}) x)"
            f" + (SELECT count(*) FROM (SELECT {columns} FROM {mine} EXCEPT SELECT {columns} FROM {real}{where}) y)"
        ).fetchone()[0]
        rows = connection.execute(f"SELECT count(*) FROM {mine}").fetchone()[0]
        print(f"    SQL vs rebuild_coverage(), {real}: {rows:,} rows, {count} differing")
        total += count
    return total


# ---------------------------------------------------------------- reads through gunicorn


@contextmanager
def gunicorn(pg_url: str):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ,
        DATABASE_URL=pg_url,
        TOSO_ENV="development",
        SECRET_KEY="bench",
        FIREBASE_AUTH_EMULATOR_HOST="127.0.0.1:9099",
        FIREBASE_PROJECT_ID=PROJECT,
    )
    process = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if get(port, "/api/v1/health", {})[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(10)


def get(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def periods_to_read(now: datetime) -> list[str]:
    local = now.astimezone(VIETNAM)
    last_month = local.replace(day=1) - timedelta(days=1)
    quarter = (local.month - 1) // 3 + 1
    previous_quarter = f"{local.year}-Q{quarter - 1}" if quarter > 1 else f"{local.year - 1}-Q4"
    return [
        f"{local.year}-{local.month:02d}",
        f"{last_month.year}-{last_month.month:02d}",
        f"{local.year}-Q{quarter}",
        previous_quarter,
        str(local.year),
        str(local.year - 1),
        "all",
    ]


def measure_reads(port: int, province: str, periods: list[str], reads: int, rng: random.Random) -> dict:
    headers = {"Authorization": "Bearer " + mint_emulator_token(PROJECT, MONITOR_PHONE), "Accept-Encoding": "gzip"}
    paths = {
        "coverage": lambda p: f"/api/v1/coverage/{province}?period={p}",
        "children": lambda p: f"/api/v1/coverage/{province}/children?indicator=people_helped&period={p}",
    }
    for period in periods * 3:  # warm up: first sign-in, caches, connection pool
        for path in paths.values():
            status, body = get(port, path(period), headers)
            assert status == 200, (status, body[:300])
    plan = [(name, rng.choice(periods)) for name in paths for _ in range(reads)]
    rng.shuffle(plan)
    timings = {name: [] for name in paths}
    by_period = {(name, p): [] for name in paths for p in periods}
    for name, period in plan:
        started = time.perf_counter()
        status, body = get(port, paths[name](period), headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert status == 200, (status, body[:300])
        timings[name].append(elapsed)
        by_period[(name, period)].append(elapsed)
    # Not a target of the issue, but on every dashboard page: the gaps list of the whole province.
    gaps = []
    for _ in range(max(5, reads // 15)):
        started = time.perf_counter()
        status, body = get(port, f"/api/v1/coverage/{province}/gaps", headers)
        gaps.append((time.perf_counter() - started) * 1000)
        assert status == 200, (status, body[:300])
    # What a monitor sees, and the drill-down check: the communes add up to the province.
    _status, body = get(port, paths["coverage"]("all"), {**headers, "Accept-Encoding": "identity"})
    whole = json.loads(body)
    _status, body = get(port, paths["children"]("all"), {**headers, "Accept-Encoding": "identity"})
    children = json.loads(body)
    helped = next(item for item in whole["items"] if item["indicator"] == "people_helped")
    return {
        "timings": timings,
        "by_period": by_period,
        "whole": whole,
        "helped": helped,
        "gaps": gaps,
        "children_sum": sum(item["numerator"] for item in children["items"]),
        "children": len(children["items"]),
    }


def measure_denominator_upkeep(world: World, rng: random.Random, times: int = 20) -> None:
    """What a leader's change costs now that denominators are kept on write: the recount after a
    village's population is set, and the count after a member joins a team (rolled back)."""

    def population_set(village: Village) -> float:
        started = time.perf_counter()
        recount_areas([village.path])
        return time.perf_counter() - started

    def member_added(village: Village) -> float:
        phone = f"+8497{rng.randrange(10**7):07d}"
        team = db.session.scalar(select(Team.id).where(Team.unit_id == village.id))
        db.session.add(TeamMember(team_id=team, phone=phone))
        db.session.flush()
        started = time.perf_counter()
        count_member_change(phone, village.path, added=True)
        return time.perf_counter() - started

    for name, change in (("population set", population_set), ("member added", member_added)):
        timings = []
        for village in rng.sample(world.villages, times):
            timings.append(change(village) * 1000)
            db.session.rollback()
        print(
            f"  denominators kept on write, after a {name}: median {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms (village, commune, province, nation)"
        )


# ---------------------------------------------------------------- ingest with and without aggregates


def ingest_items(village: Village, world: World, rng: random.Random, now: datetime, maker: RecordMaker) -> list:
    """500 records as a member's phone sends them: residents of the member's own village, the last 30 days."""
    items = []
    for _ in range(BATCH):
        occurred = now - timedelta(minutes=rng.randrange(60, 30 * 24 * 60))
        item = {
            "id": str(uuid.UUID(int=uuid4_bits(rng))),
            "unit": village.code,
            "occurred_at": occurred.isoformat(),
            "minutes": rng.randint(5, 60),
        }
        if rng.random() < GROUP_SHARE:
            service, action = maker.pick(maker.group, maker.group_weights).split("\t")
            item["people"] = rng.randint(5, 60)
            outcome, blocker = ("succeeded", None) if rng.random() < 0.9 else ("partial", "weak_signal")
        else:
            service, action = maker.pick(maker.individual, maker.individual_weights).split("\t")
            item["resident"] = str(uuid.UUID(int=maker.resident_of(village)))
            roll = rng.random()
            outcome, blocker = (
                ("succeeded", None)
                if roll < 0.74
                else ("partial", None)
                if roll < 0.84
                else ("failed", maker.pick(maker.blockers, maker.blocker_weights))
            )
        item.update(service=service, action=action, outcome=outcome)
        if blocker:
            item["blocker"] = blocker
        items.append(item)
    return items


QUEUE_INDEX = "ix_activities_id_not_aggregated"
ROUNDS = 4


def measure_ingest(world: World, batches: int, rng: random.Random, maker: RecordMaker) -> dict:
    """The phones' sync path (record_batch + COMMIT) with the coverage queue's partial index, then
    without it (as before aggregates existed), then the coverage worker counting all those records."""
    villages = [v for v in world.villages if v.residents >= 200]
    now = utcnow()

    def run(count: int) -> list[float]:
        times = []
        for _ in range(count):
            village = rng.choice(villages)
            scope = load_scope(db.session.get(User, village.members[rng.randrange(MEMBERS_PER_TEAM)]))
            items = ingest_items(village, world, rng, now, maker)
            db.session.commit()
            started = time.perf_counter()
            outcome = ingest.record_batch(scope, items)
            db.session.commit()
            times.append(time.perf_counter() - started)
            assert all(r["status"] == "created" for r in outcome.results), outcome.results[:3]
            db.session.expire_all()
        return times

    def queue_index(present: bool) -> None:
        db.session.execute(
            text(
                f"CREATE INDEX {QUEUE_INDEX} ON activities (id) WHERE aggregated IS NULL"
                if present
                else f"DROP INDEX {QUEUE_INDEX}"
            )
        )
        db.session.commit()

    run(1)  # warm up
    timings = {True: [], False: []}
    present = True
    # In rounds, alternating which goes first, so that the machine's changing load hits both alike.
    for round_ in range(ROUNDS):
        for wanted in (True, False) if round_ % 2 == 0 else (False, True):
            if wanted != present:
                queue_index(wanted)
                present = wanted
            timings[wanted] += run(batches // ROUNDS)
    if not present:
        queue_index(True)
    with_queue, without_queue = timings[True], timings[False]
    started = time.perf_counter()
    counted = update_all()
    db.session.commit()
    return {"on": with_queue, "off": without_queue, "worker": (counted, time.perf_counter() - started)}


# ---------------------------------------------------------------- the run


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1]


def load_note() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def run(args, pg_url: str, sa_url: str) -> None:
    rng = random.Random(2026)
    now = utcnow()
    app = create_app(
        {
            "TOSO_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": sa_url,
            "SECRET_KEY": "bench",
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        }
    )
    sizes = sorted(int(s) for s in args.records.split(","))
    rebuild_limit = sizes[0] if args.rebuild_limit is None else args.rebuild_limit
    periods = periods_to_read(now)
    results = []
    print(f"coverage benchmark, {now:%Y-%m-%d %H:%M} UTC, {load_note()}")
    with app.app_context():
        started = time.perf_counter()
        world = build_province(args, rng, now, pg_url)
        maker = RecordMaker(world, rng, now)
        units = db.session.scalar(
            select(func.count()).select_from(Unit).where(Unit.path.like(f"/VN/{args.province}/%"))
        )
        print(
            f"province {args.province}: {len(world.communes)} communes, {len(world.villages):,} villages "
            f"({units:,} units), {len(world.villages) * MEMBERS_PER_TEAM:,} members + {len(world.communes)} "
            f"leaders, {len(world.resident_ids):,} residents, {args.requests:,} help requests; "
            f"built in {time.perf_counter() - started:.0f} s"
        )
        measure_denominator_upkeep(world, rng)
        db.session.remove()
        for size in sizes:
            stored = db.session.scalar(select(func.count()).select_from(ingest.Activity))
            db.session.remove()
            started = time.perf_counter()
            copy_records(maker, size - stored, pg_url)
            print(
                f"\n== {size:,} records (+{size - stored:,} by COPY and index rebuild in "
                f"{time.perf_counter() - started:.0f} s); {load_note()}"
            )
            result = {"size": size}
            if size <= rebuild_limit:
                started = time.perf_counter()
                done = rebuild_coverage()
                db.session.commit()
                elapsed = time.perf_counter() - started
                db.session.remove()
                result["build"] = f"rebuild_coverage() {elapsed:.0f} s"
                result["rebuild_rate"] = done / elapsed
                print(
                    f"  aggregates by rebuild_coverage(): {done:,} effective records in {elapsed:.0f} s "
                    f"= {done / elapsed:,.0f} records/s"
                )
                steps = sql_aggregates(pg_url, into_real_tables=False)
                result["verified"] = steps["differences"] == 0
                print(
                    f"  the set-based SQL build, for comparison: {sum(v for k, v in steps.items() if k != 'differences'):.0f} s; "
                    f"{'IDENTICAL' if result['verified'] else 'DIFFERENT'} to rebuild_coverage()"
                )
            else:
                rate = max((r.get("rebuild_rate", 0) for r in results), default=0)
                steps = sql_aggregates(pg_url, into_real_tables=True)
                total = sum(steps.values())
                result["build"] = f"set-based SQL {total:.0f} s"
                print(
                    f"  aggregates by set-based SQL in {total:.0f} s ("
                    + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items())
                    + ")"
                    + (
                        f"; rebuild_coverage() at its measured {rate:,.0f} records/s would take "
                        f"~{size / rate / 60:.0f} min"
                        if rate
                        else ""
                    )
                )
            with psycopg.connect(pg_url, autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE coverage_marks")
                connection.execute("VACUUM ANALYZE coverage_counters")
                # The build leaves gigabytes of dirty pages: write them now, not during the timed reads.
                connection.execute("CHECKPOINT")
                sizes_row = connection.execute(
                    "SELECT (SELECT count(*) FROM coverage_marks), (SELECT count(*) FROM coverage_counters), "
                    "pg_size_pretty(pg_total_relation_size('activities')), "
                    "pg_size_pretty(pg_total_relation_size('coverage_marks')), "
                    "pg_size_pretty(pg_total_relation_size('coverage_counters'))"
                ).fetchone()
            print(
                f"  stored: {sizes_row[0]:,} marks ({sizes_row[3]}), {sizes_row[1]:,} counters ({sizes_row[4]}); "
                f"activities {sizes_row[2]}"
            )
            print(f"  reads start: {load_note()}")
            with gunicorn(pg_url) as port:
                reads = measure_reads(port, args.province, periods, args.reads, rng)
            result["reads"] = reads
            helped = reads["helped"]
            rate = f"{helped['rate']:.1%}" if helped["rate"] is not None else "unknown (a commune has no population)"
            print(
                f"  people_helped (all time): {helped['numerator']:,} of {helped['denominator'] or 0:,} "
                f"= {rate}; the {reads['children']} communes add up to "
                f"{reads['children_sum']:,} ({'same' if reads['children_sum'] == helped['numerator'] else 'DIFFERENT'})"
            )
            for name, target in (("coverage", 50), ("children", 80)):
                samples = reads["timings"][name]
                per = "  ".join(
                    f"{p} {p95(reads['by_period'][(name, p)]):.1f}"
                    for p in periods
                    if len(reads["by_period"][(name, p)]) >= 2
                )
                print(
                    f"  GET {name:<9} n={len(samples)} p50 {statistics.median(samples):6.1f} ms  "
                    f"p95 {p95(samples):6.1f} ms (target ≤ {target})   p95 by period: {per}"
                )
            gaps = reads["gaps"]
            print(
                f"  GET gaps      n={len(gaps)} p50 {statistics.median(gaps):6.1f} ms  p95 {p95(gaps):6.1f} ms "
                f"(no target; every dashboard page shows it)"
            )
            if args.ingest_batches:
                timings = measure_ingest(world, args.ingest_batches, rng, maker)
                on, off = sum(timings["on"]), sum(timings["off"])
                n = len(timings["on"]) * BATCH
                counted, worker = timings["worker"]
                # Medians: on a shared 2-core machine one stalled batch would otherwise decide the ratio.
                ratio = statistics.median(timings["on"]) / statistics.median(timings["off"])
                result["ingest"] = (n / on, n / off, ratio)
                print(
                    f"  ingest (the phones' sync path, record_batch + COMMIT), {len(timings['on'])} × {BATCH} records: "
                    f"with the coverage queue index {n / on:,.0f} records/s "
                    f"({statistics.median(timings['on']) * 1000:.0f} ms/batch), without it (as before aggregates) "
                    f"{n / off:,.0f} records/s ({statistics.median(timings['off']) * 1000:.0f} ms/batch): "
                    f"median {ratio:.2f}× the time (bar ≤ 1.20×) — {'within' if ratio <= 1.2 else 'NOT within'} the bar"
                )
                print(
                    f"  coverage worker: counted {counted:,} records in {worker:.1f} s = {counted / worker:,.0f} records/s"
                    f" (aggregates run here, outside the sync requests)"
                )
                db.session.remove()
            results.append(result)
    summary(results, periods)


def summary(results: list[dict], periods) -> None:
    print(f"\nsummary ({load_note()}):")
    print(
        f"  {'records':>12}  {'aggregates built by':<26} {'coverage p50/p95 ms':>20} {'children p50/p95 ms':>20}"
        f"  ingest with/without aggregates"
    )
    for r in results:
        c, k = r["reads"]["timings"]["coverage"], r["reads"]["timings"]["children"]
        ingest_text = (
            f"{r['ingest'][0]:,.0f} / {r['ingest'][1]:,.0f} rec/s ({r['ingest'][2]:.2f}×)"
            if "ingest" in r
            else "not measured"
        )
        print(
            f"  {r['size']:>12,}  {r['build']:<26} {statistics.median(c):9.1f} / {p95(c):6.1f}"
            f" {statistics.median(k):10.1f} / {p95(k):6.1f}  {ingest_text}"
        )
    large = results[-1]
    for small in results[-2::-1]:  # the largest size against each smaller one
        ratio = large["size"] / small["size"]
        for name, target in (("coverage", 50), ("children", 80)):
            a, b = small["reads"]["timings"][name], large["reads"]["timings"][name]
            print(
                f"  GET {name}: {large['size']:,} / {small['size']:,} records ({ratio:.0f}×) → p95 "
                f"{p95(b) / p95(a):.2f}×, p50 {statistics.median(b) / statistics.median(a):.2f}× "
                f"(target ≤ 1.2×); p95 at {large['size']:,}: {p95(b):.1f} ms (target ≤ {target} ms)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="100000,1000000", help="comma-separated sizes, measured in turn")
    parser.add_argument(
        "--rebuild-limit",
        type=int,
        help="sizes up to this use rebuild_coverage(), larger ones set-based SQL (default: the smallest size only)",
    )
    parser.add_argument("--province", default="08")
    parser.add_argument("--villages", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--reads", type=int, default=300, help="timed requests per endpoint and size")
    parser.add_argument("--ingest-batches", type=int, default=40, help="500-record batches each way, per size")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    args = parser.parse_args()
    os.chdir(ROOT)
    server = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"toso_bench_coverage_{uuid.uuid4().hex[:8]}"
    base = server.split("://", 1)[1].rsplit("/", 1)[0]
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        run(args, f"postgresql://{base}/{name}", f"postgresql+psycopg://{base}/{name}")
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
