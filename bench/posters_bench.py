"""Poster catalogue benchmark: sync cost, compressed sizes and PDF render time.

    /work/venv/bin/python bench/posters_bench.py          # 5 renders of every poster per language
    /work/venv/bin/python bench/posters_bench.py --full   # 20 renders each

Builds a throw-away SQLite database (official units + the real content/), then measures through
the Flask test client, so the figures include routing, serialisation, ETag and compression.
Targets (issue 3): unchanged sync 304 with 0 body bytes; full list in one language ≤ 30 KB
gzipped; one poster ≤ 8 KB gzipped; PDF ≤ 300 ms per poster."""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402

from server import create_app  # noqa: E402
from server.content.files import default_root  # noqa: E402
from server.content.loader import load_content_from  # noqa: E402
from server.extensions import db  # noqa: E402
from server.units.official import import_official_units  # noqa: E402

GZIP = {"Accept-Encoding": "gzip"}
UNIT = "00715"  # Xã Lũng Cú


def check(label: str, value: float, target: float, unit: str) -> bool:
    ok = value <= target
    print(f"  {label:<48} {value:>9.1f} {unit:<5} (target ≤ {target:g} {unit}) {'OK' if ok else 'OVER'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="20 renders per poster and language instead of 5")
    args = parser.parse_args()
    renders = 20 if args.full else 5

    folder = tempfile.mkdtemp(prefix="toso-bench-")
    app = create_app(
        {
            "TOSO_ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "FIREBASE_AUTH_EMULATOR_HOST": None,
        }
    )
    with app.app_context():
        upgrade()
        import_official_units()
        report = load_content_from(default_root(None))
        db.session.commit()
    print(f"Catalogue: {len(report.created)} posters, {report.services} services, {report.images} images")
    client = app.test_client()
    ok = True

    print("Sync")
    first = client.get("/api/v1/posters?lang=vi", headers=GZIP)
    again = client.get("/api/v1/posters?lang=vi", headers=GZIP | {"If-None-Match": first.headers["ETag"]})
    print(f"  unchanged catalogue with If-None-Match: status {again.status_code}, {len(again.get_data())} body bytes")
    ok &= again.status_code == 304 and len(again.get_data()) == 0
    as_of = client.get("/api/v1/posters?lang=vi").get_json()["as_of"]
    delta = client.get("/api/v1/posters", query_string={"lang": "vi", "changed_since": as_of}, headers=GZIP)
    print(f"  changed_since=<as_of> (nothing changed): status {delta.status_code}, {len(delta.get_data())} body bytes")

    print("Sizes (gzip)")
    for lang in ("vi", "en"):
        plain = client.get(f"/api/v1/posters?lang={lang}")
        zipped = client.get(f"/api/v1/posters?lang={lang}", headers=GZIP)
        print(f"  full list ({lang}): {len(plain.get_data()) / 1024:.1f} KB raw")
        ok &= check(f"full list ({lang}) gzipped", len(zipped.get_data()) / 1024, 30, "KB")
    slugs = (
        [item["slug"] for item in first.get_json()["items"]]
        if not first.headers.get("Content-Encoding")
        else [item["slug"] for item in client.get("/api/v1/posters").get_json()["items"]]
    )
    sizes = {}
    for slug in slugs:
        for lang in ("vi", "en"):
            sizes[(slug, lang)] = len(client.get(f"/api/v1/posters/{slug}?lang={lang}", headers=GZIP).get_data())
    largest = max(sizes, key=sizes.get)
    print(f"  one poster: mean {statistics.mean(sizes.values()) / 1024:.2f} KB gzipped; largest is {largest}")
    ok &= check("one poster, largest, gzipped", sizes[largest] / 1024, 8, "KB")
    services = client.get("/api/v1/services?lang=vi", headers=GZIP)
    print(f"  services (vi): {len(services.get_data()) / 1024:.2f} KB gzipped")
    images = client.get(f"/api/v1/posters/{slugs[0]}").get_json()["steps"]
    image_url = next(step["image"] for step in images if step["image"])
    print(
        f"  one step image: {len(client.get(image_url).get_data()) / 1024:.1f} KB "
        f"({client.get(image_url).headers['Cache-Control']})"
    )

    print(f"PDF (A4, {renders} renders of each of {len(slugs)} posters × vi, en; through HTTP)")
    client.get(f"/api/v1/posters/{slugs[0]}.pdf?unit={UNIT}")  # warm up fonts and imports
    timings, pdf_sizes = {}, []
    for slug in slugs:
        for lang in ("vi", "en"):
            for _ in range(renders):
                started = time.perf_counter()
                response = client.get(f"/api/v1/posters/{slug}.pdf?unit={UNIT}&lang={lang}")
                timings.setdefault((slug, lang), []).append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.get_data(as_text=True)
            pdf_sizes.append(len(response.get_data()))
    medians = {key: statistics.median(values) for key, values in timings.items()}
    every = sorted(t for values in timings.values() for t in values)
    print(
        f"  all renders: p50 {every[len(every) // 2]:.0f} ms, p95 {every[int(len(every) * 0.95)]:.0f} ms, "
        f"max {every[-1]:.0f} ms"
    )
    slowest = max(medians, key=medians.get)
    print(
        f"  median over all posters {statistics.median(medians.values()):.0f} ms; "
        f"PDF size {min(pdf_sizes) / 1024:.0f}–{max(pdf_sizes) / 1024:.0f} KB; slowest is {slowest}"
    )
    ok &= check("PDF render, slowest poster (median)", medians[slowest], 300, "ms")
    print("All targets met." if ok else "Some targets were missed.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
