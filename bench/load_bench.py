"""Load benchmark: ToSo's everyday reads under gunicorn -w 2, against a bare Flask app in the same run.

    .venv/bin/python bench/load_bench.py                      # PostgreSQL at 127.0.0.1:5432, 8 s per run
    .venv/bin/python bench/load_bench.py --duration 15 --keep

Builds a throw-away PostgreSQL database with the demo data (official units, the real content/, the
demo communes), starts the bare app (`GET /hello` → {"status": "ok"}) and ToSo under the same
gunicorn settings, and drives them with wrk. The bare app runs first and last; every ratio is
against the mean of those two runs, because on a shared machine only figures of one run compare.

Targets (issue 16): mixed reads ≥ 25 % of bare with p99 ≤ 100 ms at 32 connections; an unchanged
poster sync ≥ 50 %; /me ≥ 40 %; a poster PDF asked for again ≤ 50 ms. The mixed reads run twice: on
a still database, and while another process commits changes to a help request and a coverage
counter (--writes-per-second, 2 by default), so that the pages workers keep (server/change_feed.py)
are rebuilt as under live traffic."""

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROJECT_ID = "toso-bench"
MEMBER, LEADER, MONITOR = "+84912000003", "+84912000002", "+84912000001"  # demo people (server/demo/seed.py)
POSTER = "vneid-install-level1"
PROVINCE, COMMUNE = "08", "00715"  # Tuyên Quang; Xã Lũng Cú

# The ten everyday reads of the mixed run, each with the caller who makes it.
MIXED = (
    ("/api/v1/posters?lang=vi", MEMBER),
    (f"/api/v1/posters/{POSTER}?lang=vi", MEMBER),
    ("/api/v1/me", MEMBER),
    ("/api/v1/help-requests?assigned_to=me", MEMBER),
    ("/api/v1/notifications", MEMBER),
    ("/api/v1/help-requests", LEADER),
    (f"/api/v1/coverage/{PROVINCE}", MONITOR),
    (f"/api/v1/coverage/{COMMUNE}/children", MONITOR),
    (f"/api/v1/coverage/{PROVINCE}/gaps", MONITOR),
    (f"/api/v1/units?parent={PROVINCE}", MONITOR),
)

BARE_APP = """
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/hello")
def hello():
    return jsonify(status="ok")
"""

# wrk rotates through REQUESTS; each thread starts at a different place so both hit every path.
ROTATE_LUA = """
REQUESTS = %s
local i = 0
setup = function(thread) thread:set("offset", math.random(#REQUESTS)) end
request = function()
  i = i + 1
  local r = REQUESTS[((i + (offset or 0)) %% #REQUESTS) + 1]
  return wrk.format("GET", r[1], r[2])
end
"""


def lua_table(requests: list[tuple[str, dict]]) -> str:
    def string(value):
        return json.dumps(value)  # a JSON string literal is a valid Lua string literal here (ASCII)

    rows = []
    for path, headers in requests:
        header_items = ", ".join(f"[{string(k)}] = {string(v)}" for k, v in headers.items())
        rows.append(f"{{{string(path)}, {{{header_items}}}}}")
    return "{" + ", ".join(rows) + "}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    from flask_migrate import upgrade

    from server import create_app
    from server.content.files import default_root
    from server.content.loader import load_content_from
    from server.demo.seed import seed_demo
    from server.extensions import db
    from server.units.official import import_official_units

    app = create_app(
        {
            "TOSO_ENV": "development",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": sa_url,
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
            "FIREBASE_PROJECT_ID": PROJECT_ID,
        }
    )
    with app.app_context():
        upgrade()
        import_official_units()
        db.session.commit()
        load_content_from(default_root(None))
        db.session.commit()
        print("  " + seed_demo().replace("\n", "\n  "))
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    return sa_url


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Gunicorn:
    """`gunicorn -w N` on a free port; the same settings for both apps."""

    def __init__(self, app: str, cwd: Path, env: dict, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--chdir",
                str(cwd),
                "--pythonpath",
                str(cwd),
                app,
            ],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
        )

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + path, timeout=2).close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn on {self.base} did not answer {path}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


WRITTEN = "mixed, with writes"


class Writer:
    """What a busy country does to the kept pages: another process commits a change to a help
    request and to a coverage counter of the province `rate` times a second, so every worker's
    kept coverage and request pages are rebuilt as they would be under live traffic."""

    def __init__(self, sa_url: str, rate: float):
        self.rate = rate
        self.url = sa_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.stopped = threading.Event()
        self.commits = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stopped.wait(1 / self.rate):
                changed = conn.execute(
                    "UPDATE help_requests SET updated_at = updated_at WHERE id = (SELECT id FROM help_requests LIMIT 1)"
                ).rowcount
                changed += conn.execute(
                    "UPDATE coverage_counters SET value = value WHERE (unit_code, period, indicator) = "
                    "(SELECT unit_code, period, indicator FROM coverage_counters WHERE unit_code = %s LIMIT 1)",
                    (PROVINCE,),
                ).rowcount
                if changed != 2:
                    raise SystemExit("the writer found no help request or no counter of the province to change")
                self.commits += 2

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stopped.set()
        self.thread.join()
        print(f"  the writer committed {self.commits} changes")
        if not self.commits:
            raise SystemExit("the writer committed nothing: the scenario measured nothing it claims")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, connections: int, duration: int, requests: list[tuple[str, dict]], threads: int = 2) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(ROTATE_LUA % lua_table(requests))
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\n\s+50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\n\s+99%\s+(\S+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rate": rate,
        "p50": p50,
        "p99": p99,
        "requests": total,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server where a throw-away database may be created",
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=2,
        help="during the 'writes' scenario: commits a second, each to a help request and a coverage counter "
        "(nationally the coverage worker commits about once a second during a burst, requests change less)",
    )
    parser.add_argument("--only", help="comma-separated scenarios to run (mixed,writes,sync,me,pdf)")
    parser.add_argument(
        "--compare",
        type=Path,
        help="another ToSo checkout (e.g. /work/main) to run right after "
        "this one in every scenario, on the same database",
    )
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else {"mixed", "writes", "sync", "me", "pdf"}

    name = f"toso_load_{os.getpid()}"
    print(f"Database {name} on {args.database.rsplit('@', 1)[-1]}")
    started = time.monotonic()
    sa_url = build_database(args.database, name)
    print(f"  built in {time.monotonic() - started:.0f} s")

    from server.auth.emulator import mint_emulator_token

    def auth(phone):
        return {"Authorization": "Bearer " + mint_emulator_token(PROJECT_ID, phone, lifetime=6 * 3600)}

    bare_dir = Path(tempfile.mkdtemp(prefix="toso-bare-"))
    (bare_dir / "bare.py").write_text(BARE_APP)
    env = {
        **os.environ,
        "DATABASE_URL": sa_url,
        "TOSO_ENV": "development",
        "SECRET_KEY": "bench",
        "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        "FIREBASE_PROJECT_ID": PROJECT_ID,
    }
    bare = Gunicorn("bare:app", bare_dir, env, args.workers)
    toso = Gunicorn("wsgi:app", ROOT, env, args.workers)
    apps = {"": toso}
    if args.compare:
        apps[f" [{args.compare.name}]"] = Gunicorn("wsgi:app", args.compare.resolve(), env, args.workers)
    results: dict[str, dict] = {}
    pdfs = {}
    try:
        bare.wait("/hello")
        for app in apps.values():
            app.wait("/api/v1/health")
        c, d = args.connections, args.duration
        hello = [("/hello", {})]
        mixed = [(path, auth(phone)) for path, phone in MIXED]
        for app in apps.values():
            for path, headers in mixed * 2:  # every path answers, and warms both workers' caches alike
                status, _h, body = get(app.base + path, headers)
                if status != 200:
                    raise SystemExit(f"{path}: {status} {body[:300]!r}")
        rss_before = toso.worker_rss_mb()

        scenarios = []
        if "mixed" in only:
            scenarios.append(("mixed reads", mixed))
        if "writes" in only:
            scenarios.append((WRITTEN, mixed))
        if "sync" in only:
            _s, headers, _b = get(toso.base + "/api/v1/posters?lang=vi")
            scenarios.append(
                ("unchanged poster sync", [("/api/v1/posters?lang=vi", {"If-None-Match": headers["ETag"]})])
            )
        if "me" in only:
            scenarios.append(("/me", [("/api/v1/me", auth(MEMBER))]))
        # The bare app runs before and after every scenario: the machine's load drifts, and a ratio to
        # the bare runs either side of it is what compares.
        bares = [wrk(bare.base, c, d, hello)]
        for label, requests in scenarios:
            for suffix, app in apps.items():
                with Writer(sa_url, args.writes_per_second) if label == WRITTEN else contextlib.nullcontext():
                    results[label + suffix] = wrk(app.base, c, d, requests)
            bares.append(wrk(bare.base, c, d, hello))
            for suffix in apps:
                results[label + suffix]["ceiling"] = statistics.mean([bares[-2]["rate"], bares[-1]["rate"]])
        rss_after = toso.worker_rss_mb()

        for suffix, app in apps.items():
            if "pdf" not in only:
                break
            url = f"{app.base}/api/v1/posters/{POSTER}.pdf?unit={COMMUNE}&lang=vi"
            t0 = time.perf_counter()
            status, headers, body = get(url)
            first = (time.perf_counter() - t0) * 1000
            assert status == 200 and body.startswith(b"%PDF"), status
            again = []
            for _ in range(40):
                t0 = time.perf_counter()
                status, _h, body = get(url)
                again.append((time.perf_counter() - t0) * 1000)
                assert status == 200
            _s, _h, _b = get(url, {"If-None-Match": headers.get("ETag", "none")})
            pdfs[suffix] = {
                "first": first,
                "again_p50": statistics.median(again),
                "again_max": max(again),
                "conditional_status": _s,
                "cache_control": headers.get("Cache-Control"),
                "etag": headers.get("ETag"),
            }
    finally:
        for app in apps.values():
            app.stop()
        bare.stop()
        shutil.rmtree(bare_dir, ignore_errors=True)
        if not args.keep:
            drop_database(args.database, name)

    targets = {"mixed reads": 25, WRITTEN: 25, "unchanged poster sync": 50, "/me": 40}
    print(
        f"\nwrk -t2 -c{args.connections} -d{args.duration}s, gunicorn -w {args.workers}; the bare app ran before "
        f"and after each scenario: " + ", ".join(f"{b['rate']:.0f}" for b in bares) + " req/s"
    )
    print(f"{'scenario':<24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bare':>7}{'% bare':>9}  target     non-2xx")
    ok = True
    for label, r in results.items():
        share = 100 * r["rate"] / r["ceiling"]
        target = targets.get(label) if label in targets else None
        verdict = ""
        if target is not None:
            mixed_reads = label in ("mixed reads", WRITTEN)
            met = share >= target and (not mixed_reads or r["p99"] <= 100)
            ok &= met and r["non_2xx"] == 0
            verdict = f"≥{target} %" + (" p99≤100" if mixed_reads else "") + (" OK" if met else " MISS")
        print(
            f"{label:<24}{r['rate']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['ceiling']:>7.0f}{share:>8.1f}%  "
            f"{verdict:<20} "
            f"{r['non_2xx']} {r['socket_errors']}"
        )
    for suffix, pdf in pdfs.items():
        met = pdf["again_p50"] <= 50
        ok &= met or bool(suffix)
        print(
            f"poster PDF{suffix}: first {pdf['first']:.0f} ms; again p50 {pdf['again_p50']:.1f} ms, max "
            f"{pdf['again_max']:.1f} ms (target ≤ 50 ms {'OK' if met else 'MISS'}); If-None-Match → "
            f"{pdf['conditional_status']}; Cache-Control: {pdf['cache_control']}"
        )
    print(
        "ToSo worker RSS (MB) before → after the runs: "
        + ", ".join(f"{a:.0f} → {b:.0f}" for a, b in zip(rss_before, rss_after, strict=True))
    )
    print("Figures from a shared 2-core machine are noisy: compare the ratios within one run.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
