"""service.translations and schedule.translations: free text in the languages we wrote it in

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TRANSLATED_TABLES = ('service', 'schedule')


def upgrade() -> None:
    for table in TRANSLATED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in TRANSLATED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('translations')
