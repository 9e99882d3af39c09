"""One real stack per test module: action server, Rasa server and chat page on free ports."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests import stack_client
from veiviser import supervisor


@pytest.fixture(scope="module")
def stack(model: Path, catalogue_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[supervisor.Stack]:
    directory = tmp_path_factory.mktemp("stack")
    with supervisor.running(stack_client.free_ports(), model, log_dir=directory,
                            settings=stack_client.settings(directory, catalogue_url)) as running:
        yield running
