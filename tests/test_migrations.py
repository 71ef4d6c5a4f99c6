"""The schema's only source in production is Alembic: models and migrations must agree."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from server.extensions import db


def _scripts(app):
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)


def test_single_head(app):
    with app.app_context():
        assert len(_scripts(app).get_heads()) == 1


def test_migration_files_are_date_prefixed(app):
    import re

    with app.app_context():
        for script in _scripts(app).walk_revisions():
            assert re.match(r"^\d{8}_", script.path.rsplit("/", 1)[-1]), script.path


def test_models_match_migrations(app):
    """The session database was built by `upgrade()`; autogenerate must find nothing to add."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_and_upgrade_again(tmp_path):
    """Every migration can be undone, so a bad deploy can be rolled back."""
    from flask_migrate import downgrade, upgrade

    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{tmp_path}/roundtrip.sqlite3")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert {"units", "users", "role_grants", "teams"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()
