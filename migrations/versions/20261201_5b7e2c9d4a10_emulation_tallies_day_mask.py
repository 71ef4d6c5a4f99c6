"""emulation tallies: the days of the month with a record, as a bit mask

The coverage worker now adds each chunk's records to the tallies instead of recounting whole
member-months, and counts a day once through this mask. Tallies kept before have no mask: after
upgrading a database that already holds records, run `flask --app wsgi emulation rebuild` once.

Revision ID: 5b7e2c9d4a10
Revises: 5c0d1e2f3a4b
Create Date: 2026-12-01 09:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b7e2c9d4a10"
down_revision = "5c0d1e2f3a4b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("emulation_tallies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("day_mask", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("emulation_tallies", schema=None) as batch_op:
        batch_op.drop_column("day_mask")
