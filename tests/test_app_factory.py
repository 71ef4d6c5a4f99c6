import pytest

from server import UnsafeConfiguration, create_app


def test_factory_respects_test_config(tmp_path):
    app = create_app({"TOSO_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                      "SECRET_KEY": "s"})
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
