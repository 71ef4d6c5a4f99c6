"""Teams: a public phone number the leader may publish for villagers who cannot sign in

Revision ID: a11f1e1d0a99
Revises: 540ddf01d315
Create Date: 2026-12-01 04:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a11f1e1d0a99"
down_revision = "540ddf01d315"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("public_phone", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("public_phone")
