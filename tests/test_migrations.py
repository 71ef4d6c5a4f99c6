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


def test_denominators_migration_counts_the_units_and_teams_already_stored(tmp_path):
    """Upgrading a database that already has villages and teams fills the new table from them."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from server.coverage.denominators import rebuild_denominators
    from server.coverage.models import CoverageDenominator
    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{tmp_path}/existing.sqlite3")
    now = "2026-11-01 00:00:00+00:00"
    units = [
        (1, "VN", None, "nation", "/VN/", 0, None),
        (2, "08", 1, "province", "/VN/08/", 1, None),
        (3, "00715", 2, "commune", "/VN/08/00715/", 2, None),
        (4, "00715.1", 3, "village", "/VN/08/00715/00715.1/", 3, 400),
        (5, "00715.2", 3, "village", "/VN/08/00715/00715.2/", 3, 250),
    ]
    with app.app_context():
        upgrade(revision="bfadd39d80df")
        for id_, code, parent, level, path, depth, population in units:
            db.session.execute(
                text(
                    "INSERT INTO units (id, code, name, search_name, level, parent_id, path, depth, official, "
                    "population, created_at, updated_at) VALUES (:id, :code, :code, :code, :level, :parent, :path, "
                    ":depth, false, :population, :now, :now)"
                ),
                dict(
                    id=id_,
                    code=code,
                    level=level,
                    parent=parent,
                    path=path,
                    depth=depth,
                    population=population,
                    now=now,
                ),
            )
        db.session.execute(
            text("INSERT INTO teams (id, unit_id, name, created_at) VALUES (1, 4, 'Tổ CNS', :now)"), {"now": now}
        )
        for phone in ("+84900000301", "+84900000302"):
            db.session.execute(
                text("INSERT INTO team_members (team_id, phone, created_at) VALUES (1, :phone, :now)"),
                {"phone": phone, "now": now},
            )
        db.session.execute(
            text(
                "INSERT INTO role_grants (phone, role, unit_id, created_at) "
                "VALUES ('+84900000301', 'team_leader', 3, :now)"
            ),
            {"now": now},
        )
        db.session.commit()
        upgrade()

        def stored():
            return {
                d.unit_code: (d.population, d.villages, d.members)
                for d in db.session.scalars(db.select(CoverageDenominator))
            }

        filled = stored()
        assert filled["00715"] == (650, 2, 2) and filled["VN"] == (650, 2, 2) and filled["00715.2"] == (250, 1, 0)
        rebuild_denominators()
        assert stored() == filled
        db.session.rollback()
        db.engine.dispose()
