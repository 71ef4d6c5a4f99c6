"""Fixtures: one migrated database per test session (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), official units imported once, everything else wiped after each test."""

import os
import shutil
import tempfile
import uuid
from urllib.parse import urlsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, event, or_, select, update
from sqlalchemy.engine import make_url

from server import change_feed, create_app
from server.auth.emulator import mint_emulator_token
from server.content.files import default_root
from server.content.loader import load_content_from
from server.extensions import db
from server.units.models import Unit
from server.units.official import import_official_units

PROJECT_ID = "toso-test"
EMULATOR_HOST = "127.0.0.1:9099"
# firebase-admin reads the emulator switch from the process environment; the test process sets it
# as `make demo` does, and the apps below are configured to match.
os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = EMULATOR_HOST
# Tables kept between tests: the official unit tree is reference data, imported once.
# So are the posters and the service catalogue, loaded once from the real content/ folder.
REFERENCE_TABLES = {"units", "alembic_version", "services", "posters", "poster_translations", "images"}


def pytest_report_header(config):
    return f"database: {_backend()}"


def _backend() -> str:
    return "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


def _session_database_url() -> str:
    """Chosen at import, so modules that need an app at collection time can point at it too."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="toso-test-"), "toso.sqlite3")
    parts = urlsplit(base.replace("postgresql+psycopg://", "postgresql://"))
    return (
        f"postgresql+psycopg://{parts.username or 'postgres'}:{parts.password or ''}@"
        f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}/toso_test_{uuid.uuid4().hex[:10]}"
    )


SESSION_DATABASE_URL = _session_database_url()


@pytest.fixture(scope="session")
def database_url():
    if SESSION_DATABASE_URL.startswith("sqlite"):
        yield SESSION_DATABASE_URL
        shutil.rmtree(os.path.dirname(SESSION_DATABASE_URL.removeprefix("sqlite:///")), ignore_errors=True)
        return
    from pytest_postgresql.janitor import DatabaseJanitor

    url = make_url(SESSION_DATABASE_URL)
    janitor = DatabaseJanitor(
        user=url.username, host=url.host, port=url.port, dbname=url.database, password=url.password or None
    )
    janitor.init()
    try:
        yield SESSION_DATABASE_URL
    finally:
        janitor.drop()


def make_test_app(database_url: str, **overrides):
    config = {
        "TOSO_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "FIREBASE_AUTH_EMULATOR_HOST": EMULATOR_HOST,
        "FIREBASE_PROJECT_ID": PROJECT_ID,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config)


def dispose(app) -> None:
    """Close an app's pooled connections (PostgreSQL refuses to drop a database still in use)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url):
    """Build extra apps on the session database with other settings; their connections close after the test."""
    made = []

    def make(**overrides):
        made.append(make_test_app(database_url, **overrides))
        return made[-1]

    yield make
    for extra in made:
        dispose(extra)


@pytest.fixture(scope="session")
def app(database_url):
    app = make_test_app(database_url)
    with app.app_context():
        upgrade()
        import_official_units()
        load_real_content()
        db.session.commit()
    yield app
    dispose(app)
    change_feed.stop_listening()


def load_real_content():
    """The real posters and services (content/), so API tests see what users will."""
    return load_content_from(default_root(None))


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                db.session.execute(delete(table))
        # Local units (villages) made by a test go too, deepest first.
        for unit in db.session.scalars(select(Unit).where(Unit.official.is_(False)).order_by(Unit.depth.desc())):
            db.session.delete(unit)
            db.session.flush()
        # Official units stay, but not the populations a test gave them.
        db.session.execute(
            update(Unit)
            .where(or_(Unit.population.is_not(None), Unit.households.is_not(None)))
            .values(population=None, households=None)
        )
        db.session.commit()


@pytest.fixture
def sql_statements(app):
    """The SQL statements the session app sends while the test runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


def token_for(phone: str | None, **claims) -> str:
    return mint_emulator_token(PROJECT_ID, phone, **claims)


def auth_headers(phone: str | None, lang: str | None = None, **claims) -> dict:
    headers = {"Authorization": f"Bearer {token_for(phone, **claims)}"}
    if lang:
        headers["Accept-Language"] = lang
    return headers


class ApiClient:
    """The test client, signed in as one phone number."""

    def __init__(self, client, phone: str | None, lang: str | None = None):
        self.client, self.phone, self.lang = client, phone, lang

    def _headers(self, extra):
        headers = (
            auth_headers(self.phone, self.lang) if self.phone else ({"Accept-Language": self.lang} if self.lang else {})
        )
        headers.update(extra or {})
        return headers

    def request(self, method, path, headers=None, **kwargs):
        return self.client.open(f"/api/v1{path}", method=method, headers=self._headers(headers), **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def as_phone(client):
    return lambda phone, lang=None: ApiClient(client, phone, lang)
