"""service.hsds_original: the HSDS object as its feed gave it, so a round trip loses no field

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service') as batch_op:
        batch_op.add_column(sa.Column('hsds_original', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('service') as batch_op:
        batch_op.drop_column('hsds_original')
