"""Shared fixtures: a real catalogue built from the shipped data, the trained model."""
from __future__ import annotations

from pathlib import Path

import pytest

from services_catalog import cli as catalog_cli

ROOT = Path(__file__).resolve().parent.parent
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
