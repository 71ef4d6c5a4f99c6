"""users.scope_stamp: a per-user stamp changed by every write that changes the user's scope

Web workers keep a verified caller's scope in memory and reuse it while the stamp read with the
user's row is unchanged (server/auth/scope_cache.py).

Revision ID: a7c3e51f9b20
Revises: a11f1e1d0a99
Create Date: 2026-12-01 04:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e51f9b20"
down_revision = "a11f1e1d0a99"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("scope_stamp", sa.String(length=32), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("scope_stamp")
