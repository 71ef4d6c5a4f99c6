import os

import pytest

from server import UnsafeConfiguration, create_app
from tests.conftest import auth_headers


def test_factory_respects_test_config(tmp_path):
    app = create_app(
        {"TOSO_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s"}
    )
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TOSO_ENV": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.instance_path in app.config["SQLALCHEMY_DATABASE_URI"]


def test_plain_postgresql_url_uses_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/toso")
    app = create_app({"TOSO_ENV": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/toso"


def test_production_refuses_emulator_tokens(monkeypatch):
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    with pytest.raises(UnsafeConfiguration, match="FIREBASE_AUTH_EMULATOR_HOST"):
        create_app({"TOSO_ENV": "production", "SECRET_KEY": "real"})


def test_production_requires_a_secret_key(monkeypatch):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app({"TOSO_ENV": "production", "SECRET_KEY": None, "FIREBASE_AUTH_EMULATOR_HOST": None})


def test_production_starts_with_a_safe_configuration(monkeypatch):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    app = create_app({"TOSO_ENV": "production", "SECRET_KEY": "real", "FIREBASE_AUTH_EMULATOR_HOST": None})
    assert not app.testing


def test_the_factory_leaves_the_process_environment_alone(monkeypatch, tmp_path):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    before = dict(os.environ)
    create_app(
        {
            "TOSO_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "SECRET_KEY": "s",
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        }
    )
    assert dict(os.environ) == before


def test_an_app_configured_for_real_tokens_refuses_emulator_tokens_whatever_the_environment(make_app):
    # The test process has FIREBASE_AUTH_EMULATOR_HOST set (firebase-admin would accept unsigned tokens).
    assert os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    real = make_app(FIREBASE_AUTH_EMULATOR_HOST=None)
    response = real.test_client().get("/api/v1/me", headers=auth_headers("+84912000001"))
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
