"""Residents, assistance records (activities) and the personal-data access log.

Revision ID: f0cf10a5760f
Revises: d9ab129e1612
Create Date: 2026-11-23 09:19:28.820062

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f0cf10a5760f"
down_revision = "d9ab129e1612"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "residents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("search_name", sa.String(length=200), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(length=10), nullable=True),
        sa.Column("household", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.LargeBinary(length=16), nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name=op.f("ck_residents_birth_year_range")
        ),
        sa.CheckConstraint(
            "consent OR (name IS NULL AND phone IS NULL AND household IS NULL)",
            name=op.f("ck_residents_personal_data_needs_consent"),
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_residents_created_by_id_users")),
        sa.ForeignKeyConstraint(["merged_by_id"], ["users.id"], name=op.f("fk_residents_merged_by_id_users")),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["residents.id"], name=op.f("fk_residents_merged_into_id_residents")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_residents_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_residents_merged_into_id"), ["merged_into_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_residents_phone"), ["phone"], unique=False)
        batch_op.create_index("ix_residents_unit_id_birth_year", ["unit_id", "birth_year"], unique=False)
        batch_op.create_index("ix_residents_unit_id_search_name", ["unit_id", "search_name"], unique=False)

    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "unit_path",
            sa.String(length=400).with_variant(sa.VARCHAR(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("resident_id", sa.Uuid(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("blocker", sa.String(length=40), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column("content_hash", sa.LargeBinary(length=16), nullable=False),
        sa.CheckConstraint("(resident_id IS NULL) <> (people IS NULL)", name=op.f("ck_activities_resident_or_people")),
        sa.CheckConstraint("minutes IS NULL OR minutes BETWEEN 0 AND 1440", name=op.f("ck_activities_minutes_range")),
        sa.CheckConstraint("people IS NULL OR people BETWEEN 1 AND 1000", name=op.f("ck_activities_people_range")),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], name=op.f("fk_activities_member_id_users")),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"], name=op.f("fk_activities_resident_id_residents")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_activities_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activities_member_id_received_at_id", ["member_id", "received_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_activities_resident_id_service_action_outcome",
            ["resident_id", "service", "action", "outcome"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_activities_supersedes_id"), ["supersedes_id"], unique=False)
        batch_op.create_index("ix_activities_unit_path_occurred_at", ["unit_path", "occurred_at"], unique=False)
        batch_op.create_index(
            "ix_activities_unit_path_received_at_id", ["unit_path", "received_at", "id"], unique=False
        )

    op.create_table(
        "personal_data_accesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column(
            "unit_path",
            sa.String(length=400).with_variant(sa.VARCHAR(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_personal_data_accesses_resident_id_residents")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_personal_data_accesses_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_accesses")),
    )
    with op.batch_alter_table("personal_data_accesses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personal_data_accesses_at"), ["at"], unique=False)
        batch_op.create_index("ix_personal_data_accesses_resident_id_at", ["resident_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_personal_data_accesses_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("personal_data_accesses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_data_accesses_user_id"))
        batch_op.drop_index("ix_personal_data_accesses_resident_id_at")
        batch_op.drop_index(batch_op.f("ix_personal_data_accesses_at"))

    op.drop_table("personal_data_accesses")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_unit_path_received_at_id")
        batch_op.drop_index("ix_activities_unit_path_occurred_at")
        batch_op.drop_index(batch_op.f("ix_activities_supersedes_id"))
        batch_op.drop_index("ix_activities_resident_id_service_action_outcome")
        batch_op.drop_index("ix_activities_member_id_received_at_id")

    op.drop_table("activities")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_index("ix_residents_unit_id_search_name")
        batch_op.drop_index("ix_residents_unit_id_birth_year")
        batch_op.drop_index(batch_op.f("ix_residents_phone"))
        batch_op.drop_index(batch_op.f("ix_residents_merged_into_id"))

    op.drop_table("residents")
