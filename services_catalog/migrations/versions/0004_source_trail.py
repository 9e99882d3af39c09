"""service_source and source URLs: every phone, address, opening hour and wait names its page

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SOURCED_TABLES = ('phone', 'schedule', 'location')


def upgrade() -> None:
    op.create_table(
        'service_source',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('service_id', sa.String(length=36), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('page_date', sa.Date(), nullable=True),
        sa.Column('checked', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['service_id'], ['service.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_service_source_service_id', 'service_source', ['service_id'])
    for table in SOURCED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('source_url', sa.Text(), nullable=True))
    with op.batch_alter_table('location') as batch_op:
        batch_op.add_column(sa.Column('point_precision', sa.String(length=16), nullable=True))
    with op.batch_alter_table('service') as batch_op:
        batch_op.add_column(sa.Column('wait_source_url', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('service') as batch_op:
        batch_op.drop_column('wait_source_url')
    with op.batch_alter_table('location') as batch_op:
        batch_op.drop_column('point_precision')
    for table in SOURCED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('source_url')
    op.drop_index('ix_service_source_service_id', table_name='service_source')
    op.drop_table('service_source')
