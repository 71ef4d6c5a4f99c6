"""Help-request benchmark: claim/transition and team-queue latency with many requests stored.

    /work/venv/bin/python bench/requests_bench.py                      # SQLite and PostgreSQL, 100k requests
    /work/venv/bin/python bench/requests_bench.py --db sqlite --requests 20000
    BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/postgres ...     # the PostgreSQL server to use

Requests are bulk-inserted (not timed) over 1,000 villages of Tuyên Quang, each with a team of
three signed-in members. Timed, each in its own committed transaction, through the domain
services the API calls: a claim, a start (transitions), and a team's queue page (50 open
requests of the member's village). Targets: p95 ≤ 20 ms for claim/transition, ≤ 30 ms for the queue."""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from server import create_app  # noqa: E402
from server.auth.emulator import uid_for_phone  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.scope import load_scope  # noqa: E402
from server.extensions import db  # noqa: E402
from server.requests import services, transitions  # noqa: E402
from server.requests.models import HelpRequest, ReferenceCounter, Status  # noqa: E402
from server.requests.services import RequestFilters, format_reference  # noqa: E402
from server.teams.models import Team, TeamMember  # noqa: E402
from server.text import fold  # noqa: E402
from server.types import utcnow  # noqa: E402
from server.units.models import Unit  # noqa: E402
from server.units.official import import_official_units  # noqa: E402
from server.units.paths import child_path  # noqa: E402

VILLAGES = 1000
MEMBERS_PER_TEAM = 3
SERVICES = ("vneid", "dichvucong", "bank_app", "e_payment", "zalo", "health_book", "vssid", "scam_safety")
# Most stored requests are finished; a queue holds the open ones.
STATUS_WEIGHTS = {
    Status.CLOSED: 55,
    Status.RESOLVED: 10,
    Status.CANCELLED: 5,
    Status.NEW: 12,
    Status.ASSIGNED: 6,
    Status.IN_PROGRESS: 8,
    Status.WAITING_ON_RESIDENT: 4,
}
OPEN = [s.value for s in (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_RESIDENT)]


def build(requests: int) -> list[tuple[int, str, list[int]]]:
    """Villages with teams and members, then `requests` requests; returns (unit id, path, member user ids)."""
    upgrade()
    import_official_units()
    communes = db.session.scalars(
        select(Unit).where(Unit.level == "commune", Unit.path.like("/VN/08/%")).order_by(Unit.code)
    ).all()
    now = utcnow()
    units, teams, members, users = [], [], [], []
    for n in range(VILLAGES):
        commune = communes[n % len(communes)]
        code = f"{commune.code}.{n // len(communes) + 1}"
        units.append(
            dict(
                id=100_000 + n,
                code=code,
                name=f"Thôn {n}",
                search_name=fold(f"Thôn {n}"),
                level="village",
                parent_id=commune.id,
                path=child_path(commune.path, code),
                depth=commune.depth + 1,
                official=False,
                created_at=now,
                updated_at=now,
            )
        )
        teams.append(dict(id=n + 1, unit_id=100_000 + n, name=f"Tổ CNS thôn {n}", created_at=now))
        for m in range(MEMBERS_PER_TEAM):
            phone = f"+849{n:05d}{m:03d}"
            users.append(
                dict(
                    id=n * MEMBERS_PER_TEAM + m + 1,
                    firebase_uid=uid_for_phone(phone),
                    phone=phone,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            members.append(dict(team_id=n + 1, phone=phone, created_at=now))
    requester = len(users) + 1
    users.append(
        dict(id=requester, firebase_uid="bench-resident", phone="+84999999999", created_at=now, last_seen_at=now)
    )
    for model, rows in ((Unit, units), (Team, teams), (User, users), (TeamMember, members)):
        db.session.execute(insert(model.__table__), rows)
    rng = random.Random(4)
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    batch = []
    for number in range(1, requests + 1):
        village = rng.randrange(VILLAGES)
        status = rng.choices(statuses, weights)[0]
        created = now - timedelta(minutes=rng.randrange(60 * 24 * 300))
        assigned = status not in (Status.NEW, Status.CANCELLED)
        batch.append(
            dict(
                id=uuid.UUID(int=rng.getrandbits(128)),
                year=now.year,
                number=number,
                reference=format_reference(now.year, number),
                unit_id=100_000 + village,
                unit_path=units[village]["path"],
                team_id=village + 1,
                service=rng.choice(SERVICES),
                description="Cần hỗ trợ cài đặt và đăng nhập ứng dụng.",
                requester_id=requester,
                status=status,
                version=1,
                assignee_id=village * MEMBERS_PER_TEAM + 1 if assigned else None,
                first_response_due_at=created + timedelta(hours=24),
                resolution_due_at=created + timedelta(hours=72),
                created_at=created,
                updated_at=created,
            )
        )
        if len(batch) == 5000:
            db.session.execute(insert(HelpRequest.__table__), batch)
            batch = []
    if batch:
        db.session.execute(insert(HelpRequest.__table__), batch)
    db.session.execute(insert(ReferenceCounter.__table__), [dict(year=now.year, last_number=requests)])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    return [
        (100_000 + n, units[n]["path"], [n * MEMBERS_PER_TEAM + m + 1 for m in range(MEMBERS_PER_TEAM)])
        for n in range(VILLAGES)
    ]


def timed(samples: list, call) -> None:
    started = time.perf_counter()
    call()
    db.session.commit()
    samples.append((time.perf_counter() - started) * 1000)
    db.session.expire_all()


def measure(villages, rounds: int) -> dict[str, list[float]]:
    rng = random.Random(7)
    claims, starts, queues = [], [], []
    scopes = {}

    def scope_of(user_id):
        if user_id not in scopes:
            scopes[user_id] = load_scope(db.session.get(User, user_id))
        return scopes[user_id]

    new_requests = db.session.execute(
        select(HelpRequest.id, HelpRequest.unit_id).where(HelpRequest.status == Status.NEW).limit(rounds * 3)
    ).all()
    members_of = {unit_id: member_ids for unit_id, _path, member_ids in villages}
    for request_id, unit_id in rng.sample(new_requests, min(rounds, len(new_requests))):
        member = rng.choice(members_of[unit_id])
        timed(claims, lambda: transitions.apply_action(scope_of(member), request_id, "claim"))
        timed(starts, lambda: transitions.apply_action(scope_of(member), request_id, "start"))
    for _ in range(rounds):
        _unit_id, _path, member_ids = rng.choice(villages)
        scope = scope_of(rng.choice(member_ids))
        timed(queues, lambda: services.list_requests(scope, RequestFilters(status=OPEN), None, 50))
    return {"claim": claims, "start (transition)": starts, "team queue page": queues}


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1]


def run(label: str, url: str, requests: int, rounds: int) -> None:
    app = create_app({"TOSO_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        started = time.perf_counter()
        villages = build(requests)
        count = db.session.scalar(select(db.func.count()).select_from(HelpRequest))
        print(f"{label}: {count:,} requests in {VILLAGES} villages, built in {time.perf_counter() - started:.1f} s")
        for name, samples in measure(villages, rounds).items():
            target = 30 if "queue" in name else 20
            print(
                f"  {name:<20} n={len(samples):<4} p50 {statistics.median(samples):6.2f} ms   "
                f"p95 {p95(samples):6.2f} ms   (target ≤ {target} ms)"
            )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300, help="timed operations of each kind")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            run("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.requests, args.rounds)
    if args.db in ("postgresql", "both"):
        import psycopg

        server = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        name = f"toso_bench_requests_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            run(
                "PostgreSQL",
                "postgresql+psycopg://" + server.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name,
                args.requests,
                args.rounds,
            )
        finally:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
