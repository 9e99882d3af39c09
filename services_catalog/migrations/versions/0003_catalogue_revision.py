"""catalogue_revision: a token that every write to the searched tables changes

The search keeps an in-memory snapshot of the catalogue and must know, with
one cheap read, whether it is still current. Triggers (not application code)
change the token, so no writer can forget to. A random token rather than a
counter: a rolled-back write must never leave a snapshot that a later,
different write would seem to match.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SEARCHED_TABLES = ('service', 'service_point', 'service_type', 'language', 'schedule', 'service_area')
SQLITE_EVENTS = ('INSERT', 'UPDATE', 'DELETE')


def upgrade() -> None:
    op.create_table(
        'catalogue_revision',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('token', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute("INSERT INTO catalogue_revision (id, token) VALUES (1, 0)")
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    """SQLite has only row triggers; each write costs one more single-row update."""
    for table in SEARCHED_TABLES:
        for event in SQLITE_EVENTS:
            op.execute(
                f"CREATE TRIGGER catalogue_changed_{table}_{event.lower()} AFTER {event} ON {table} "
                "BEGIN UPDATE catalogue_revision SET token = random() WHERE id = 1; END"
            )


def _postgresql_triggers() -> None:
    """One update per statement, however many rows it writes."""
    op.execute(
        "CREATE FUNCTION catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE catalogue_revision SET token = floor((random() - 0.5) * 9.2e18)::bigint WHERE id = 1; "
        "RETURN NULL; END $$"
    )
    for table in SEARCHED_TABLES:
        op.execute(
            f"CREATE TRIGGER catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in SEARCHED_TABLES:
            op.execute(f"DROP TRIGGER catalogue_changed ON {table}")
        op.execute("DROP FUNCTION catalogue_changed()")
    else:
        for table in SEARCHED_TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER catalogue_changed_{table}_{event.lower()}")
    op.drop_table('catalogue_revision')
