"""The Alembic history must build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services_catalog.db import make_engine
from services_catalog.models import Base


def test_migrations_match_the_models_on_every_engine(empty_catalogue_url: str) -> None:
    with make_engine(empty_catalogue_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "models changed without a migration: run alembic revision --autogenerate"
