"""coverage worker's queue: records not yet counted, by member

The worker now takes a member's records together (their month, their areas, their tallies are
shared within a chunk, and two workers rarely touch the same member), so the queue's partial index
leads with the member.

Revision ID: 7d4e9a2b6c31
Revises: 5b7e2c9d4a10
Create Date: 2026-12-01 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d4e9a2b6c31"
down_revision = "5b7e2c9d4a10"
branch_labels = None
depends_on = None

NOT_AGGREGATED = sa.text("aggregated IS NULL")


def upgrade():
    _replace_queue_index(
        "ix_activities_id_not_aggregated", "ix_activities_member_id_id_not_aggregated", ["member_id", "id"]
    )


def downgrade():
    _replace_queue_index("ix_activities_member_id_id_not_aggregated", "ix_activities_id_not_aggregated", ["id"])


def _replace_queue_index(old: str, new: str, columns: list[str]) -> None:
    """The new index first, then the old one dropped. On PostgreSQL both CONCURRENTLY, outside the
    migration's transaction: ingest keeps storing records while a large table is scanned."""
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index(
                new,
                "activities",
                columns,
                postgresql_where=NOT_AGGREGATED,
                postgresql_concurrently=True,
                if_not_exists=True,
            )
            op.drop_index(old, table_name="activities", postgresql_concurrently=True, if_exists=True)
        return
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(new, columns, unique=False, sqlite_where=NOT_AGGREGATED)
        batch_op.drop_index(old, sqlite_where=NOT_AGGREGATED)
