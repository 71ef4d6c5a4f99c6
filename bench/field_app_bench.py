"""Field app weights, measured in Debian's Chromium against a real ToSo with the demo data.

    .venv/bin/python bench/field_app_bench.py

1. First load of the shell (the sign-in screen, with the service worker installing its cache):
   every byte the server sends, as sent and gzip-compressed (static files are compressed by the
   reverse proxy in production, so their compressed size is what a phone downloads). Limit 150 KB.
2. A repeat visit: the app opens with no request for the shell reaching the server.
3. An unchanged sync of a signed-in member (nothing to send, nothing new): request and response
   bytes on the wire, headers included. Limit 2 KB.

Counting is done by a WSGI middleware around the app, so nothing the browser caches or the
service worker answers is counted, and everything that reaches the server is."""

import gzip
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402 (the checkout is on the path first)

SHELL_LIMIT, SYNC_LIMIT = 150 * 1024, 2 * 1024


class Meter:
    """Records each request reaching the app: path, request bytes, response bytes (raw and gzip)."""

    def __init__(self, app):
        self.app, self.log, self.lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        captured = {}

        def start(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, start))
        headers = dict(captured["headers"])
        request_bytes = len(
            f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')} HTTP/1.1\r\n"
        )
        request_bytes += sum(len(k) - 5 + len(v) + 4 for k, v in environ.items() if k.startswith("HTTP_"))
        request_bytes += int(environ.get("CONTENT_LENGTH") or 0)
        header_bytes = len(captured["status"]) + 11 + sum(len(k) + len(v) + 4 for k, v in captured["headers"])
        already = headers.get("Content-Encoding") == "gzip"
        compressed = len(body) if already or not body else len(gzip.compress(body, 6))
        with self.lock:
            self.log.append(
                {
                    "path": environ.get("PATH_INFO"),
                    "query": environ.get("QUERY_STRING", ""),
                    "status": captured["status"][:3],
                    "request": request_bytes,
                    "headers": header_bytes,
                    "body": len(body),
                    "gzip": compressed,
                }
            )
        return [body]

    def take(self):
        with self.lock:
            taken, self.log = self.log, []
        return taken


def build_app(folder):
    os.environ.update(
        {
            "TOSO_ENV": "development",
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        }
    )
    from flask_migrate import upgrade

    from server import create_app
    from server.content.files import default_root
    from server.content.loader import load_content_from
    from server.demo.seed import seed_demo
    from server.extensions import db
    from server.units.official import import_official_units

    app = create_app()
    with app.app_context():
        upgrade()
        import_official_units()
        load_content_from(default_root(None))
        seed_demo()
        db.session.commit()
    return app


def kb(n):
    return f"{n / 1024:.1f} KB"


def main():
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    folder = tempfile.mkdtemp(prefix="toso-app-bench-")
    meter = Meter(build_app(folder))
    server = make_server("127.0.0.1", 0, meter, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    failures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
            page = context.new_page()

            meter.take()
            page.goto(base + "/app/")
            page.wait_for_selector("body[data-ready=true]")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.wait_for_timeout(500)
            first = meter.take()
            raw = sum(r["body"] + r["headers"] for r in first)
            packed = sum(r["gzip"] + r["headers"] for r in first)
            print("1. first load of the shell (sign-in screen, service worker installed):")
            for r in first:
                print(f"   {r['status']} {r['path']:<34} {r['body']:>7} B  gzip {r['gzip']:>6} B")
            print(
                f"   total {kb(raw)} as sent by Flask, {kb(packed)} gzip-compressed "
                f"({len(first)} responses; limit {kb(SHELL_LIMIT)})"
            )
            if packed > SHELL_LIMIT:
                failures.append("shell first load over 150 KB")

            page.close()
            page = context.new_page()
            page.goto(base + "/app/")
            page.wait_for_selector("body[data-ready=true]")
            page.wait_for_timeout(500)
            repeat = meter.take()
            shell_hits = [r for r in repeat if r["path"] != "/app/sw.js"]
            print(
                f"2. repeat visit: {len(shell_hits)} requests for the shell reached the server "
                f"({', '.join(r['path'] for r in repeat) or 'none'})"
            )
            if shell_hits:
                failures.append("repeat visit fetched the shell")

            page.get_by_role("button", name="Lò Thị Hoa").click()
            page.wait_for_selector("#tabs:not([hidden])")
            page.get_by_role("link", name="Hướng dẫn").click()
            page.wait_for_selector("ol.plain li, .card")
            page.evaluate("""async () => {
                const sync = await import('/static/app/sync.js');
                await sync.refresh(true, true);
            }""")
            page.evaluate("""async () => {
                const sync = await import('/static/app/sync.js');
                await sync.refresh(true, true);
            }""")  # twice: the first incremental check after a full pull is a new query
            page.wait_for_timeout(300)
            meter.take()
            page.evaluate("""async () => {
                const sync = await import('/static/app/sync.js');
                await sync.refresh(true, true);
            }""")
            unchanged = meter.take()
            total = sum(r["request"] + r["headers"] + r["gzip"] for r in unchanged)
            print("3. unchanged sync of a signed-in member (outbox empty, nothing new):")
            for r in unchanged:
                print(
                    f"   {r['status']} {r['path']}?{r['query'][:60]:<60} request {r['request']} B, "
                    f"response {r['headers']} B headers + {r['gzip']} B body"
                )
            print(f"   total {total} B on the wire, headers included (limit {SYNC_LIMIT} B)")
            if total > SYNC_LIMIT:
                failures.append("unchanged sync over 2 KB")
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    if failures:
        print("OVER THE LIMIT:", "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
