"""change feed: watched tables notify toso_changes when they change (PostgreSQL only)

Every statement that changes a watched table (users, the content, units, teams and grants, the
coverage figures, help requests, notifications) sends `NOTIFY toso_changes, '<table>'`, delivered when its transaction commits. Web workers listen and
keep what they read until it changes (server/change_feed.py). SQLite has no notifications: there
the workers read the database on every call, as before.

Revision ID: 5c0d1e2f3a4b
Revises: e13a0c5d7f21
Create Date: 2026-12-01 09:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0d1e2f3a4b"
down_revision = "e13a0c5d7f21"
branch_labels = None
depends_on = None

# New users are left out: nobody has kept anything about a user who did not exist.
WATCHED = {
    "users": "UPDATE OR DELETE OR TRUNCATE",
    "posters": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "poster_translations": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "services": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "images": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "units": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "teams": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "team_members": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "role_grants": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "coverage_marks": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "coverage_counters": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "coverage_last_activity": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "coverage_targets": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "coverage_denominators": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "help_requests": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "help_request_counters": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "help_request_events": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "help_request_comments": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "help_request_ratings": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "notifications": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION toso_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('toso_changes', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table, events in WATCHED.items():
        op.execute(
            f"CREATE TRIGGER {table}_notify_change AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION toso_notify_change()"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED:
        op.execute(f"DROP TRIGGER {table}_notify_change ON {table}")
    op.execute("DROP FUNCTION toso_notify_change()")
