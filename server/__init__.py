"""ToSo: the back end of the community digital technology teams' app."""

import os

import flask_babel
from flask import Flask
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from . import config
from .extensions import babel, compress, db, migrate
from .guards import register_guards
from .locale import select_locale
from .problems import register_problem_handlers, send_errors_to_gunicorn
from .resources import resource_dir

MIGRATIONS_DIR = str(resource_dir("migrations"))


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up, so a misconfigured production server never serves a request."""


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(config.DEFAULTS)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    _finish_config(app)

    app.url_map.converters["int"] = DatabaseInteger
    app.json.ensure_ascii = False  # Vietnamese text is half the size unescaped
    app.json.sort_keys = False
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    compress.init_app(app)
    register_problem_handlers(app)
    register_guards(app)
    send_errors_to_gunicorn(app)
    _register_models()
    _connect_signals()

    from mobile_api import register_api

    register_api(app)
    _register_dashboard(app)
    _register_open311(app)
    _register_cli(app)
    # The locale is chosen afresh for every request, even when a caller keeps an app context open.
    app.before_request(flask_babel.refresh)
    app.after_request(_content_language)
    return app


class DatabaseInteger(IntegerConverter):
    """Ids in URLs fit a 32-bit integer column; a larger number is simply a path that does not exist."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _content_language(response):
    response.headers.setdefault("Content-Language", str(get_locale()))
    return response


def _finish_config(app: Flask) -> None:
    env = app.config["TOSO_ENV"]
    if env == "testing":
        app.config["TESTING"] = True
    if env == "production":
        if app.config.get("FIREBASE_AUTH_EMULATOR_HOST") or os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
            raise UnsafeConfiguration(
                "FIREBASE_AUTH_EMULATOR_HOST is set: emulator tokens are unsigned and must never be "
                "accepted in production. Unset it, or set TOSO_ENV=development for local use."
            )
        if not app.config.get("SECRET_KEY"):
            raise UnsafeConfiguration("SECRET_KEY must be set in production.")
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = "development-only-secret"
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "toso.sqlite3")


def _register_dashboard(app: Flask) -> None:
    from .content.web import blp as poster_pages
    from .dashboard.session import configure_session_cookie
    from .dashboard.views import blp
    from .emulation.web import blp as emulation_pages
    from .field_app.views import blp as field_app

    configure_session_cookie(app)
    app.register_blueprint(blp)
    app.register_blueprint(poster_pages)
    app.register_blueprint(field_app)
    app.register_blueprint(emulation_pages)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())


def _register_open311(app: Flask) -> None:
    from .open311.blueprint import register_open311

    register_open311(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, let readers run beside the writer, wait instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _register_models() -> None:
    """Import every model module so that metadata (and Alembic autogenerate) sees all tables."""
    from .activities import models as _activities  # noqa: F401
    from .auth import models as _auth  # noqa: F401
    from .content import models as _content  # noqa: F401
    from .coverage import models as _coverage  # noqa: F401
    from .emulation import models as _emulation  # noqa: F401
    from .notifications import models as _notifications  # noqa: F401
    from .open311 import models as _open311  # noqa: F401
    from .requests import models as _requests  # noqa: F401
    from .residents import models as _residents  # noqa: F401
    from .roles import models as _roles  # noqa: F401
    from .teams import models as _teams  # noqa: F401
    from .units import models as _units  # noqa: F401


def _connect_signals() -> None:
    from .coverage import aggregates, denominators
    from .open311.people import connect_signals as connect_open311_signals

    aggregates.connect_signals()
    denominators.connect_signals()
    connect_open311_signals()
    from .emulation.tallies import connect_signals as connect_emulation

    connect_emulation()


def _register_cli(app: Flask) -> None:
    from .auth.cli import dev_cli
    from .content.cli import content_cli
    from .coverage.cli import coverage_cli
    from .emulation.cli import emulation_cli
    from .notifications.cli import notifications_cli
    from .open311.cli import open311_cli
    from .requests.cli import requests_cli
    from .roles.cli import roles_cli
    from .units.cli import units_cli

    # The demo's `demo` group is a plugin (flask.commands in setup.cfg): production code never imports it.
    for group in (
        units_cli,
        roles_cli,
        content_cli,
        requests_cli,
        notifications_cli,
        coverage_cli,
        dev_cli,
        open311_cli,
        emulation_cli,
    ):
        app.cli.add_command(group)
