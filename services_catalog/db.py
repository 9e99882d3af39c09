"""One URL setting picks the database: SQLite by default, PostgreSQL alike."""
from __future__ import annotations

import os
from functools import lru_cache

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///var/catalogue.sqlite"
URL_SETTING = "VEIVISER_CATALOG_URL"


def catalogue_url() -> str:
    return os.environ.get(URL_SETTING, DEFAULT_URL)


def make_engine(url: str | None = None) -> Engine:
    """SQLite files get a pool too: SQLAlchemy 1.4 would reopen the file for every session."""
    url = make_url(url or catalogue_url())
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        engine = create_engine(url, future=True, poolclass=QueuePool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys are off by default in SQLite; we rely on them."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic, so SQLite and PostgreSQL get the same steps."""
    config = Config()
    config.set_main_option("script_location", "services_catalog:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@lru_cache(maxsize=4)
def session_factory(url: str | None = None) -> sessionmaker:
    """One engine per URL per process, so connection pools are shared."""
    return sessionmaker(make_engine(url), future=True, expire_on_commit=False)


def open_session(url: str | None = None) -> Session:
    return session_factory(url or catalogue_url())()
