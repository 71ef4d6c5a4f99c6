"""Emulation benchmark: ranking a whole province's members and teams, at province scale.

    .venv/bin/python bench/emulation_bench.py                          # 2 M records (about 10 minutes)
    .venv/bin/python bench/emulation_bench.py --records 10000000       # the issue's size (about 40 minutes)
    BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/postgres ...     # the PostgreSQL server to use

Builds the province of bench/coverage_bench.py in a fresh PostgreSQL database (Tuyên Quang, 08:
124 communes, ~2,000 villages, a team of three per village = ~6,000 members, residents, help
requests), loads N assistance records over two years by COPY, adds trainings with attendance,
builds the members' monthly tallies with the real code (`rebuild_tallies()`, its rate printed),
then times, through gunicorn on loopback (one sync worker) signed in as the province's monitor:

    GET /api/v1/emulation/08?period=…&of=members   (every member of the province ranked)
    GET /api/v1/emulation/08?period=…&of=teams
    GET /api/v1/emulation/<a commune>?period=…&of=members

over a mix of months, quarters and years. Target: p95 ≤ 1 s for the province. Finally the upkeep:
what the coverage worker's hook costs to recount the member-months of a 2,000-record chunk."""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import coverage_bench as cb  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from server import create_app  # noqa: E402
from server.activities.models import Activity  # noqa: E402
from server.auth.emulator import mint_emulator_token  # noqa: E402
from server.coverage.periods import VIETNAM  # noqa: E402
from server.emulation.models import EmulationTally, Training, TrainingAttendance  # noqa: E402
from server.emulation.tallies import month_of, rebuild_tallies, refresh_tallies  # noqa: E402
from server.extensions import db  # noqa: E402
from server.types import utcnow  # noqa: E402


def add_trainings(world, rng: random.Random, now) -> int:
    """Each commune holds a training every two months or so; two in three of its members attend."""
    trainings, attendance = [], []
    services = ("vneid", "dichvucong", "bank_app", "e_payment", "zalo", "scam_safety")
    for commune in world.communes:
        for n in range(12):
            held = (now - timedelta(days=rng.uniform(0, cb.DAYS))).astimezone(VIETNAM).date()
            training = uuid.UUID(int=cb.uuid4_bits(rng))
            trainings.append(
                dict(
                    id=training,
                    unit_id=commune.id,
                    unit_path=commune.path,
                    title=f"Tập huấn {n + 1}",
                    held_on=held,
                    services=[rng.choice(services)],
                    trainer="Sở KH&CN",
                    created_by_id=commune.leader,
                    created_at=now,
                )
            )
            for index in commune.villages:
                for phone in world.villages[index].phones:
                    if rng.random() < 0.67:
                        attendance.append(
                            dict(training_id=training, phone=phone, recorded_by_id=commune.leader, created_at=now)
                        )
    db.session.execute(insert(Training.__table__), trainings)
    for start in range(0, len(attendance), 5000):
        db.session.execute(insert(TrainingAttendance.__table__), attendance[start : start + 5000])
    db.session.commit()
    return len(attendance)


def periods_to_read(now) -> list[str]:
    return [p for p in cb.periods_to_read(now) if p != "all"]


def measure(port: int, paths: dict, periods: list[str], reads: int, rng: random.Random) -> dict:
    headers = {
        "Authorization": "Bearer " + mint_emulator_token(cb.PROJECT, cb.MONITOR_PHONE),
        "Accept-Encoding": "gzip",
    }
    sizes = {}
    for period in periods:  # warm up, and check the answers
        for name, path in paths.items():
            status, body = cb.get(port, path(period), headers)
            assert status == 200, (status, body[:300])
            sizes[name] = len(body)
    plan = [(name, rng.choice(periods)) for name in paths for _ in range(reads)]
    rng.shuffle(plan)
    timings = {name: [] for name in paths}
    for name, period in plan:
        started = time.perf_counter()
        status, body = cb.get(port, paths[name](period), headers)
        timings[name].append((time.perf_counter() - started) * 1000)
        assert status == 200, (status, body[:300])
    return {"timings": timings, "sizes": sizes}


@contextmanager
def gunicorn(pg_url: str):
    """One sync worker, as bench/coverage_bench.py, but with a long timeout: on a machine shared by
    many (load 10 on 2 cores) a worker may wait longer than gunicorn's default 30 s for the CPU."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ,
        DATABASE_URL=pg_url,
        TOSO_ENV="development",
        SECRET_KEY="bench",
        FIREBASE_AUTH_EMULATOR_HOST="127.0.0.1:9099",
        FIREBASE_PROJECT_ID=cb.PROJECT,
    )
    process = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "--workers",
            "1",
            "--timeout",
            "600",
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
        for _ in range(600):
            try:
                if cb.get(port, "/api/v1/health", {})[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(60)


def cpu_per_ranking(app, province: str, periods: list[str], times: int) -> list[float]:
    """CPU seconds of this process (the Flask test client, the whole request: auth, ranking, JSON,
    gzip) per province ranking of members: what a request costs, whatever else the machine runs.
    The database's own CPU is not in it."""
    client = app.test_client()
    headers = {
        "Authorization": "Bearer " + mint_emulator_token(cb.PROJECT, cb.MONITOR_PHONE),
        "Accept-Encoding": "gzip",
    }
    samples = []
    for n in range(times):
        started = time.process_time()
        response = client.get(
            f"/api/v1/emulation/{province}?period={periods[n % len(periods)]}&of=members", headers=headers
        )
        samples.append(time.process_time() - started)
        assert response.status_code == 200, response.get_data()[:300]
    return samples


def run(args, pg_url: str, sa_url: str) -> None:
    rng = random.Random(1313)
    now = utcnow()
    app = create_app(
        {
            "TOSO_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": sa_url,
            "SECRET_KEY": "bench",
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        }
    )
    print(f"emulation benchmark, {now:%Y-%m-%d %H:%M} UTC, {cb.load_note()}")
    with app.app_context():
        started = time.perf_counter()
        world = cb.build_province(args, rng, now, pg_url)
        members = len(world.villages) * cb.MEMBERS_PER_TEAM
        print(
            f"province {args.province}: {len(world.communes)} communes, {len(world.villages):,} villages and teams, "
            f"{members:,} members, {args.residents:,} residents, {args.requests:,} requests; "
            f"built in {time.perf_counter() - started:.0f} s"
        )
        attended = add_trainings(world, rng, now)
        print(f"  {len(world.communes) * 12:,} trainings, {attended:,} attendances")
        db.session.remove()
        started = time.perf_counter()
        cb.copy_records(cb.RecordMaker(world, rng, now), args.records, pg_url)
        print(f"  {args.records:,} records by COPY in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        pairs = rebuild_tallies()
        db.session.commit()
        elapsed = time.perf_counter() - started
        tallies = db.session.scalar(select(func.count()).select_from(EmulationTally))
        print(
            f"  tallies by rebuild_tallies() (the real code): {pairs:,} member-months, {tallies:,} rows, in {elapsed:.0f} s "
            f"= {args.records / elapsed:,.0f} records/s"
        )
        db.session.remove()
        with psycopg.connect(pg_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE emulation_tallies")
            connection.execute("CHECKPOINT")
        commune = world.communes[0].code
        periods = periods_to_read(now)
        paths = {
            "province members": lambda p: f"/api/v1/emulation/{args.province}?period={p}&of=members",
            "province teams": lambda p: f"/api/v1/emulation/{args.province}?period={p}&of=teams",
            "commune members": lambda p: f"/api/v1/emulation/{commune}?period={p}&of=members",
        }
        print(f"  reads start: {cb.load_note()}")
        with gunicorn(pg_url) as port:
            result = measure(port, paths, periods, args.reads, rng)
        for name, samples in result["timings"].items():
            target = " (target ≤ 1000)" if name.startswith("province") else ""
            print(
                f"  GET {name:<16} n={len(samples)} p50 {statistics.median(samples):7.1f} ms  "
                f"p95 {cb.p95(samples):7.1f} ms{target}  answer {result['sizes'][name] / 1024:,.0f} KiB gzipped"
            )
        cpu = cpu_per_ranking(app, args.province, periods, max(6, args.reads // 3))
        print(
            f"  CPU per province ranking of members (in-process, whole request): median {statistics.median(cpu):.3f} s, "
            f"max {max(cpu):.3f} s over {len(cpu)}"
        )
        # The worker's hook: recount the member-months a chunk of 2,000 fresh records touches.
        rows = [
            dict(r)
            for r in db.session.execute(
                select(Activity.member_id, Activity.occurred_at).order_by(Activity.received_at.desc()).limit(2000)
            ).mappings()
        ]
        pairs = {(r["member_id"], month_of(r["occurred_at"])) for r in rows}
        started = time.perf_counter()
        refresh_tallies(pairs)
        db.session.commit()
        elapsed = time.perf_counter() - started
        print(
            f"  worker hook: {len(pairs):,} member-months of a 2,000-record chunk recounted in {elapsed * 1000:.0f} ms"
        )
    print(f"done; {cb.load_note()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--province", default="08")
    parser.add_argument("--villages", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--reads", type=int, default=60, help="timed requests per endpoint")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    args = parser.parse_args()
    os.chdir(ROOT)
    server = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"toso_bench_emulation_{uuid.uuid4().hex[:8]}"
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
