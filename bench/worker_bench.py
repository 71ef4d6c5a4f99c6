"""Coverage worker benchmark: draining a burst of stored records with one worker process, then two.

    .venv/bin/python bench/worker_bench.py                               # 500k history + 200k burst (~10 min)
    .venv/bin/python bench/worker_bench.py --records 50000 --history 0   # a quick look
    .venv/bin/python bench/worker_bench.py --recent-days 3               # the burst from the last 3 days
    .venv/bin/python bench/worker_bench.py --profile /tmp/worker.txt     # py-spy (raw) on the single worker
    BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/postgres ...       # the PostgreSQL server to use

Builds the province of bench/coverage_bench.py in a fresh PostgreSQL database (Tuyên Quang, 08:
~2,000 villages, a team of three per village, residents, help requests), a history of records
already counted (coverage aggregates by the set-based SQL of coverage_bench, emulation tallies by
`rebuild_tallies()`), then a burst of N records that the worker has not seen (aggregated is null),
spread over villages, members, services and two years as coverage_bench's RecordMaker makes them
(the worst case: every record a member-month of its own), or over the last --recent-days days.

The burst is drained by real worker processes, started as production starts them (the Procfile's
`flask --app wsgi coverage update`, here without --loop so each exits when the queue is empty):
first one process, then, after the aggregates are put back as they were before the burst, two
processes sharing the queue (FOR UPDATE SKIP LOCKED). For each run it prints records/s, each
process's resident memory soon after it started and at its end (and its peak), and checks that
nothing was lost or counted twice: the queue is empty, the coverage marks, counters and last
activity equal a recount of all records by coverage_bench's set-based SQL, and the emulation
tallies of every member-month the burst touched equal a recount from the records
(`refresh_tallies()`, in a transaction rolled back afterwards)."""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import coverage_bench as cb  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from server import create_app  # noqa: E402
from server.activities.models import Activity  # noqa: E402
from server.emulation.tallies import month_of, rebuild_tallies, refresh_tallies  # noqa: E402
from server.extensions import db  # noqa: E402
from server.types import utcnow  # noqa: E402

AGGREGATES = ("coverage_marks", "coverage_counters", "coverage_last_activity", "emulation_tallies")
TALLY_COLUMNS = "member_id, month, service, people, successes, pursued, days"
BURST_INGEST = 4000  # records/s: the low end of issue 16's burst ingest, 4,000-8,000 records/s


def copy_burst(maker: cb.RecordMaker, count: int, pg_url: str, recent_days: int | None) -> None:
    """The burst: records as coverage_bench makes them, but not counted yet (aggregated null);
    with `recent_days`, moved into the last days (phones regaining signal) instead of two years."""
    with psycopg.connect(pg_url) as connection:
        with connection.cursor().copy(
            "COPY activities (id, member_id, unit_id, unit_path, resident_id, people, service, action, "
            "outcome, blocker, occurred_at, received_at, minutes, supersedes_id, content_hash, aggregated) "
            "FROM STDIN"
        ) as copy:
            for chunk in maker.lines(count):
                copy.write(chunk.replace("\tt\n", "\t\\N\n"))
        if recent_days:
            connection.execute(
                "UPDATE activities SET occurred_at = now() - interval '1 hour' - random() * %s * interval '1 day' "
                "WHERE aggregated IS NULL",
                (recent_days,),
            )
            connection.execute(
                "UPDATE activities SET received_at = occurred_at + random() * interval '1 hour' WHERE aggregated IS NULL"
            )
        connection.execute("CREATE TABLE bench_burst AS SELECT id FROM activities WHERE aggregated IS NULL")
        for table in AGGREGATES:  # the state before the burst, put back before each run
            connection.execute(f"CREATE TABLE bench_saved_{table} AS SELECT * FROM {table}")
        connection.commit()
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def reset(pg_url: str) -> None:
    """Aggregates as before the burst, and the burst back in the queue."""
    with psycopg.connect(pg_url) as connection:
        connection.execute(f"TRUNCATE {', '.join(AGGREGATES)}")
        for table in AGGREGATES:
            connection.execute(f"INSERT INTO {table} SELECT * FROM bench_saved_{table}")
        connection.execute("UPDATE activities SET aggregated = NULL WHERE id IN (SELECT id FROM bench_burst)")
        connection.commit()
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        connection.execute("CHECKPOINT")


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def drain(workers: int, pg_url: str, burst: int, profile: str | None) -> dict:
    """Start `workers` worker processes on the queue, wait until they have all exited."""
    env = dict(os.environ, DATABASE_URL=pg_url, TOSO_ENV="production", SECRET_KEY="bench")
    env.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [flask, "--app", "wsgi", "coverage", "update"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(workers)
    ]
    outputs = {p.pid: [] for p in processes}
    memory = {p.pid: [] for p in processes}  # (seconds since start, KiB)
    counted = {p.pid: 0 for p in processes}

    def read(process):
        for line in process.stdout:
            outputs[process.pid].append(line)
            if line.startswith("Counted "):
                counted[process.pid] += int(line.split()[1])
                memory[process.pid].append((time.perf_counter() - started, rss_kib(process.pid)))

    readers = [threading.Thread(target=read, args=(p,), daemon=True) for p in processes]
    for reader in readers:
        reader.start()
    spy = None
    if profile:
        spy = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "py-spy"),
                "record",
                "-f",
                "raw",
                "--nonblocking",
                "-o",
                profile,
                "--pid",
                str(processes[0].pid),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    for process in processes:
        process.wait()
    elapsed = time.perf_counter() - started
    for reader in readers:
        reader.join()
    if spy:
        spy.wait(60)
    for process in processes:
        if process.returncode:
            print("".join(outputs[process.pid][-30:]))
            raise SystemExit(f"worker {process.pid} exited with {process.returncode}")
    return {"elapsed": elapsed, "memory": memory, "counted": counted}


def report(name: str, result: dict, burst: int) -> float:
    rate = burst / result["elapsed"]
    print(f"  {name}: {burst:,} records in {result['elapsed']:.1f} s = {rate:,.0f} records/s ({cb.load_note()})")
    for pid, samples in result["memory"].items():
        kib = [k for _t, k in samples if k]
        if not kib:
            continue
        first = kib[min(2, len(kib) - 1)]  # after a few chunks: the imports and the first allocations done
        print(
            f"    worker {pid}: {result['counted'][pid]:,} records in {len(samples)} chunks; RSS after "
            f"{min(3, len(kib))} chunks {first / 1024:.0f} MiB, at the end {kib[-1] / 1024:.0f} MiB, "
            f"peak {max(kib) / 1024:.0f} MiB"
        )
    return rate


def verify(app, pg_url: str, burst_pairs: set) -> None:
    """Nothing left in the queue, nothing lost or counted twice: the aggregates equal a recount."""
    with psycopg.connect(pg_url) as connection:
        left = connection.execute("SELECT count(*) FROM activities WHERE aggregated IS NULL").fetchone()[0]
    steps = cb.sql_aggregates(pg_url, into_real_tables=False)  # prints the differing rows per table
    with app.app_context():
        db.session.execute(text(f"CREATE TEMP TABLE bench_worker AS SELECT {TALLY_COLUMNS} FROM emulation_tallies"))
        refresh_tallies(burst_pairs)
        differing = db.session.scalar(
            text(
                f"SELECT (SELECT count(*) FROM (SELECT {TALLY_COLUMNS} FROM emulation_tallies "
                f"EXCEPT SELECT * FROM bench_worker) x) + (SELECT count(*) FROM (SELECT * FROM bench_worker "
                f"EXCEPT SELECT {TALLY_COLUMNS} FROM emulation_tallies) y)"
            )
        )
        rows = db.session.scalar(text("SELECT count(*) FROM bench_worker"))
        db.session.rollback()
        db.session.remove()
    print(
        f"    emulation tallies vs a recount of the burst's {len(burst_pairs):,} member-months: {differing} differing"
    )
    print(f"    (tallies {rows:,} rows); records left in the queue: {left}")
    if left or steps["differences"] or differing:
        raise SystemExit("the aggregates differ from a recount")


def run(args, pg_url: str, sa_url: str) -> None:
    rng = random.Random(1616)
    now: datetime = utcnow()
    app = create_app({"TOSO_ENV": "testing", "SQLALCHEMY_DATABASE_URI": sa_url, "SECRET_KEY": "bench"})
    print(f"worker benchmark, {now:%Y-%m-%d %H:%M} UTC, {cb.load_note()}")
    if not args.reuse:
        with app.app_context():
            started = time.perf_counter()
            world = cb.build_province(args, rng, now, pg_url)
            print(
                f"province {args.province}: {len(world.villages):,} villages, "
                f"{len(world.villages) * cb.MEMBERS_PER_TEAM:,} members, {args.residents:,} residents; "
                f"built in {time.perf_counter() - started:.0f} s"
            )
            db.session.remove()
            maker = cb.RecordMaker(world, rng, now)
            if args.history:
                started = time.perf_counter()
                cb.copy_records(maker, args.history, pg_url)
                cb.sql_aggregates(pg_url, into_real_tables=True)
                rebuild_tallies()
                db.session.commit()
                db.session.remove()
                print(f"  history: {args.history:,} records counted in {time.perf_counter() - started:.0f} s")
            copy_burst(maker, args.records, pg_url, args.recent_days)
            burst_pairs = {
                (member, month_of(moment))
                for member, moment in db.session.execute(
                    select(Activity.member_id, Activity.occurred_at).where(Activity.aggregated.is_(None))
                )
            }
            total = db.session.scalar(select(func.count()).select_from(Activity))
            db.session.remove()
            print(
                f"  burst: {args.records:,} records in the queue ({len(burst_pairs):,} member-months), {total:,} stored"
            )
    else:
        print(f"reusing the database, {cb.load_note()}")
        with app.app_context():
            burst_pairs = {
                (member, month_of(moment))
                for member, moment in db.session.execute(
                    text("SELECT member_id, occurred_at FROM activities WHERE id IN (SELECT id FROM bench_burst)")
                )
            }
            args.records = db.session.scalar(text("SELECT count(*) FROM bench_burst"))
            db.session.remove()
    rates = {}
    for workers in args.workers:
        reset(pg_url)
        print(f"\n== {workers} worker process{'es' if workers > 1 else ''}; {cb.load_note()}")
        result = drain(workers, pg_url, args.records, args.profile if workers == 1 else None)
        rates[workers] = report(f"{workers} worker{'s' if workers > 1 else ''}", result, args.records)
        verify(app, pg_url, burst_pairs)
    if 1 in rates and 2 in rates:
        print(f"\n2 workers / 1 worker: {rates[2] / rates[1]:.2f}×")
    workers, best = max(rates.items(), key=lambda item: item[1])
    print(
        f"TARGET (issue 16): the workers keep up with burst ingest (4,000-8,000 records/s), >= {BURST_INGEST:,} -> "
        f"{best:,.0f} with {workers}: " + ("met" if best >= BURST_INGEST else "NOT met")
    )
    print(f"done; {cb.load_note()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000, help="records in the burst")
    parser.add_argument("--history", type=int, default=500_000, help="records counted before the burst")
    parser.add_argument("--recent-days", type=int, help="burst records from the last N days (default: two years)")
    parser.add_argument("--workers", default="1,2", help="comma-separated numbers of worker processes, run in turn")
    parser.add_argument("--profile", help="py-spy raw output file for the single worker's run")
    parser.add_argument("--province", default="08")
    parser.add_argument("--villages", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--reuse", help="a database kept by an earlier run (--keep): run the drains again on it")
    args = parser.parse_args()
    args.workers = [int(n) for n in args.workers.split(",")]
    os.chdir(ROOT)
    server = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = args.reuse or f"toso_bench_worker_{uuid.uuid4().hex[:8]}"
    base = server.split("://", 1)[1].rsplit("/", 1)[0]
    if not args.reuse:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        run(args, f"postgresql://{base}/{name}", f"postgresql+psycopg://{base}/{name}")
    finally:
        if args.keep or args.reuse:
            print(f"kept database {name}")
        else:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
