"""One real stack for the end-to-end tests: action server, Rasa server and chat page on free ports."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from services_catalog.opening_hours import PINNED_NOW
from harness import stack_client
from veiviser import supervisor

# The stack's clock: a Wednesday evening, so that "open tonight" has one right answer whenever the tests run.
WEDNESDAY_EVENING = "2026-12-02T20:00:00+01:00"


@pytest.fixture(scope="package")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stack's logs (one file per process) and its conversations database."""
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="package")
def stack(model: Path, catalogue_url: str, stack_dir: Path) -> Iterator[supervisor.Stack]:
    settings = {**stack_client.settings(stack_dir, catalogue_url), PINNED_NOW: WEDNESDAY_EVENING}
    with supervisor.running(supervisor.Ports.free(), model, log_dir=stack_dir, settings=settings) as running:
        yield running
