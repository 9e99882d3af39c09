"""service_point: index (kommune_number, latitude, longitude)

Search reads a kommune's own services through a growing box; with the
kommune alone in the index, a big kommune's every row was read for each box.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.create_index('ix_service_point_kommune_lat_lon', ['kommune_number', 'latitude', 'longitude'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.drop_index('ix_service_point_kommune_lat_lon')
