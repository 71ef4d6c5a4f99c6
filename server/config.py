"""Configuration read from the environment, with safe defaults for the embedded demo."""

import json
import os

DEFAULT_FIREBASE_PROJECT_ID = "toso-dev"


def _database_url(raw: str | None) -> str | None:
    """Let deployers write plain `postgresql://` URLs; ToSo talks to PostgreSQL through psycopg 3."""
    if raw and raw.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def from_environment() -> dict:
    env = os.environ
    return {
        "TOSO_ENV": env.get("TOSO_ENV", "production"),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": _database_url(env.get("DATABASE_URL")),
        "FIREBASE_PROJECT_ID": env.get("FIREBASE_PROJECT_ID", DEFAULT_FIREBASE_PROJECT_ID),
        "FIREBASE_AUTH_EMULATOR_HOST": env.get("FIREBASE_AUTH_EMULATOR_HOST"),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_REQUEST_BYTES", 1024 * 1024)),
        "POSTERS_DIR": env.get("POSTERS_DIR"),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "FIREBASE_WEB_API_KEY": env.get("FIREBASE_WEB_API_KEY"),
        # {"vneid": [8, 48], …}: first-response and resolution hours per service (default 24 h, 72 h)
        "HELP_REQUEST_SLA_HOURS": json.loads(env.get("HELP_REQUEST_SLA_HOURS") or "{}"),
        # A service-account JSON file for FCM; unset means Google's application default credentials.
        "FCM_CREDENTIALS_FILE": env.get("FCM_CREDENTIALS_FILE"),
        # A province's own emulation criteria (TOML); unset means content/emulation.toml.
        "EMULATION_CRITERIA": env.get("EMULATION_CRITERIA"),
        # On PostgreSQL, web workers keep what they read until a commit changes it (server/change_feed.py).
        "CHANGE_FEED": env.get("CHANGE_FEED", "on").strip().lower() not in ("off", "0", "false", "no"),
    }


DEFAULTS = {
    # Not on every checkout (a round trip per request): server/connections.py pings idle connections.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_TRANSLATION_DIRECTORIES": "translations",
    "LANGUAGES": ("vi", "en"),
    # Activity lists hold back records younger than this, so a sync cursor never skips a slow commit.
    "ACTIVITY_SETTLE_SECONDS": 5,
    "JSON_SORT_KEYS": False,
    "API_TITLE": "ToSo API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/swagger-ui/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "REST API for the ToSo phone app of Vietnam's community digital technology teams.",
            "license": {"name": "AGPL-3.0-or-later"},
        },
        "components": {
            "securitySchemes": {"firebase": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"}}
        },
    },
    # gzip, which every phone's HTTP stack decodes, for the API's JSON; static files are left to the
    # reverse proxy (compressing them here would hold their file handles open).
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_MIMETYPES": ["application/json", "application/problem+json", "text/csv", "text/html"],
    "HELP_REQUEST_DEFAULT_SLA_HOURS": (24, 72),
    "HELP_REQUEST_REOPEN_DAYS": 7,
    "FCM_HTTP_TIMEOUT": 10,
    "NOTIFICATION_MAX_ATTEMPTS": 8,
    "NOTIFICATION_RETRY_BASE_SECONDS": 30,
    # Validation errors are answered with problem+json by server.problems, not smorest's schema.
    "PROPAGATE_EXCEPTIONS": False,
}
