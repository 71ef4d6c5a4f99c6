"""Benchmark: official unit import time and type-ahead unit search latency.

    python bench/units_bench.py [--database-url URL] [--villages N] [--queries N]

Builds a fresh database (SQLite file by default), imports the 3,356 official units, adds N
villages (default 70,000, about the national count) so search runs over a national-size tree,
then times GET /api/v1/units?q=… through the WSGI app for prefixes of real names."""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from server import create_app  # noqa: E402
from server.auth.emulator import mint_emulator_token  # noqa: E402
from server.extensions import db  # noqa: E402
from server.text import fold  # noqa: E402
from server.types import utcnow  # noqa: E402
from server.units.models import Unit  # noqa: E402
from server.units.official import import_official_units  # noqa: E402
from server.units.paths import child_path  # noqa: E402

VILLAGE_WORDS = ["Thôn", "Bản", "Ấp", "Tổ dân phố"]
NAME_WORDS = [
    "Nà",
    "Phìn",
    "Sủng",
    "Lô Lô",
    "Chải",
    "Tả",
    "Pả",
    "Vi",
    "Đông",
    "Tây",
    "Hạ",
    "Thượng",
    "Mới",
    "Trung",
    "Khuổi",
    "Nặm",
    "Cốc",
    "Lũng",
    "Séo",
    "Sáng",
    "Hòa",
    "Bình",
    "An",
    "Phú",
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--villages", type=int, default=70_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    app = create_app(
        {
            "TOSO_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        }
    )
    rng = random.Random(7)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        report = import_official_units()
        db.session.commit()
        first = time.perf_counter() - started
        started = time.perf_counter()
        import_official_units()
        db.session.commit()
        again = time.perf_counter() - started
        print(f"units import: {report.created} units in {first:.2f} s; re-run (no changes) {again:.2f} s")

        communes = db.session.execute(
            select(Unit.id, Unit.code, Unit.path, Unit.depth).where(Unit.level == "commune")
        ).all()
        rows, now = [], utcnow()
        for number in range(args.villages):
            commune = communes[number % len(communes)]
            name = f"{rng.choice(VILLAGE_WORDS)} {rng.choice(NAME_WORDS)} {rng.choice(NAME_WORDS)} {number // len(communes) + 1}"
            code = f"{commune.code}.{number // len(communes) + 1}"
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "search_name": fold(name),
                    "level": "village",
                    "parent_id": commune.id,
                    "path": child_path(commune.path, code),
                    "depth": commune.depth + 1,
                    "official": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Unit), rows[start : start + 5000])
        db.session.commit()
        names = [n for (n,) in db.session.execute(select(Unit.name).where(Unit.level != "village"))]
        total = db.session.scalar(select(db.func.count()).select_from(Unit))

    client = app.test_client()
    headers = {"Authorization": "Bearer " + mint_emulator_token("toso-dev", "+84912000777")}
    client.get("/api/v1/units?q=ha", headers=headers)  # warm up: first sign-in, caches
    timings = []
    for _ in range(args.queries):
        name = fold(rng.choice(names)).split(" ", 1)[-1]
        query = name[: rng.randint(3, max(3, len(name)))]
        started = time.perf_counter()
        response = client.get("/api/v1/units", query_string={"q": query}, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(
        f"unit search over {total} units ({db_name(url)}), {len(timings)} type-ahead queries: "
        f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )


def db_name(url):
    return url.split(":", 1)[0]


if __name__ == "__main__":
    main()
