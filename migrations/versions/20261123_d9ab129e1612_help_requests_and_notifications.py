"""Help requests (history, comments, ratings, reference counters), notification outbox and devices

Revision ID: d9ab129e1612
Revises: 3d1d33419980
Create Date: 2026-11-23 09:38:41.342723

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d9ab129e1612"
down_revision = "3d1d33419980"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "help_request_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_help_request_counters")),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=1024), nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_devices_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("token", name=op.f("uq_devices_token")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "help_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "unit_path",
            sa.String(length=400).with_variant(sa.VARCHAR(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("preferred_contact", sa.String(length=200), nullable=True),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("on_behalf_name", sa.String(length=120), nullable=True),
        sa.Column("on_behalf_birth_year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("likely_duplicate_of_id", sa.Uuid(), nullable=True),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("first_response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "on_behalf_birth_year IS NULL OR on_behalf_birth_year BETWEEN 1900 AND 2100",
            name=op.f("ck_help_requests_birth_year_plausible"),
        ),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_help_requests_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["likely_duplicate_of_id"],
            ["help_requests.id"],
            name=op.f("fk_help_requests_likely_duplicate_of_id_help_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["help_requests.id"], name=op.f("fk_help_requests_merged_into_id_help_requests")
        ),
        sa.ForeignKeyConstraint(["requester_id"], ["users.id"], name=op.f("fk_help_requests_requester_id_users")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_help_requests_team_id_teams"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_help_requests_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_help_requests_reference")),
        sa.UniqueConstraint("year", "number", name=op.f("uq_help_requests_year_number")),
    )
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.create_index("ix_help_requests_assignee_id_status", ["assignee_id", "status"], unique=False)
        batch_op.create_index(
            "ix_help_requests_requester_id_service_status", ["requester_id", "service", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_help_requests_team_id"), ["team_id"], unique=False)
        batch_op.create_index("ix_help_requests_unit_id_status", ["unit_id", "status"], unique=False)
        batch_op.create_index("ix_help_requests_unit_path_status", ["unit_path", "status"], unique=False)
        batch_op.create_index("ix_help_requests_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "help_request_comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_help_request_comments_author_id_users")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_help_request_comments_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request_comments")),
    )
    with op.batch_alter_table("help_request_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_help_request_comments_request_id_created_at", ["request_id", "created_at"], unique=False
        )

    op.create_table(
        "help_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_help_request_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_help_request_events_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request_events")),
    )
    with op.batch_alter_table("help_request_events", schema=None) as batch_op:
        batch_op.create_index("ix_help_request_events_request_id_id", ["request_id", "id"], unique=False)

    op.create_table(
        "help_request_ratings",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_by_id", sa.Integer(), nullable=False),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_help_request_ratings_score_1_to_5")),
        sa.ForeignKeyConstraint(["rated_by_id"], ["users.id"], name=op.f("fk_help_request_ratings_rated_by_id_users")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_help_request_ratings_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_help_request_ratings")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=500), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("push_state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_notifications_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_push_state_next_attempt_at", ["push_state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_request_id"), ["request_id"], unique=False)
        batch_op.create_index("ix_notifications_user_id_id", ["user_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_id")
        batch_op.drop_index(batch_op.f("ix_notifications_request_id"))
        batch_op.drop_index("ix_notifications_push_state_next_attempt_at")

    op.drop_table("notifications")
    op.drop_table("help_request_ratings")
    with op.batch_alter_table("help_request_events", schema=None) as batch_op:
        batch_op.drop_index("ix_help_request_events_request_id_id")

    op.drop_table("help_request_events")
    with op.batch_alter_table("help_request_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_help_request_comments_request_id_created_at")

    op.drop_table("help_request_comments")
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_help_requests_updated_at")
        batch_op.drop_index("ix_help_requests_unit_path_status")
        batch_op.drop_index("ix_help_requests_unit_id_status")
        batch_op.drop_index(batch_op.f("ix_help_requests_team_id"))
        batch_op.drop_index("ix_help_requests_requester_id_service_status")
        batch_op.drop_index("ix_help_requests_assignee_id_status")

    op.drop_table("help_requests")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_user_id"))

    op.drop_table("devices")
    op.drop_table("help_request_counters")
