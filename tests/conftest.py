"""Shared fixtures: a real catalogue built from the shipped data, the trained model."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from services_catalog import cli as catalog_cli
from services_catalog.db import make_engine, migrate, session_factory
from services_catalog.reports import REPORTS_URL_SETTING
from harness.sms_gateway import FakeGateway

ROOT = Path(__file__).resolve().parent.parent
# Rasa's telemetry and error reports would send data to Rasa's servers: never, also not from tests.
os.environ["RASA_TELEMETRY_ENABLED"] = "false"
# Reports filed by a test, or by a process a test starts, go to this run's own store, never var/.
os.environ[REPORTS_URL_SETTING] = f"sqlite:///{tempfile.mkdtemp(prefix='veiviser-reports-')}/reports.sqlite"
MODEL = ROOT / "models" / "veiviser.tar.gz"


@pytest.fixture(scope="session")
def catalogue_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shipped catalogue, built fresh for this test run."""
    db = tmp_path_factory.mktemp("catalogue") / "catalogue.sqlite"
    assert catalog_cli.build(db) == 0
    return f"sqlite:///{db}"


@pytest.fixture
def catalogue(catalogue_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("VEIVISER_CATALOG_URL", catalogue_url)
    return catalogue_url


@pytest.fixture(scope="session")
def model() -> Path:
    """Trained once per run by `make test` (the Makefile's model target), never per test."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run the tests with `make test`, which trains it.")
    return MODEL


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeGateway]:
    """A fake SMS gateway on loopback (harness/sms_gateway.py), one per test module."""
    fake = FakeGateway().start()
    yield fake
    fake.stop()


POSTGRES_ADMIN_URL = os.environ.get("VEIVISER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_catalogue_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty catalogue on each engine the product supports.

    PostgreSQL runs where a server is reachable (CI has one); elsewhere those
    cases skip and say why.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'catalogue.sqlite'}"
        migrate(make_engine(url))
        yield url
        return
    yield from _temporary_postgres_database(prepare=lambda url: migrate(make_engine(url)))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each engine the product supports, for stores that make their own tables."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    yield from _temporary_postgres_database(prepare=lambda url: None)


@pytest.fixture
def postgres_database_url() -> Iterator[str]:
    """An empty temporary PostgreSQL database; skips where no server is reachable."""
    yield from _temporary_postgres_database(prepare=lambda url: None)


def _temporary_postgres_database(prepare: Callable[[str], None]) -> Iterator[str]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    name = f"veiviser_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error.orig}")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        prepare(url)
        yield url
    finally:
        session_factory.cache_clear()  # close pools before dropping the database
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
