"""Stacks of their own for the fault tests, which stop processes and break databases on purpose."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

import pytest

from harness import stack_client
from veiviser import supervisor



class Running(NamedTuple):
    stack: supervisor.Stack
    directory: Path  # logs (one per process), conversations.sqlite, catalogue.sqlite


StartStack = Callable[..., Running]


@pytest.fixture(scope="module")
def start_stack(model: Path, catalogue_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartStack]:
    """Start a stack with its own copy of the catalogue (so it can be broken) and its own logs.

    Call it with `model=` and extra settings; the stack is stopped at the end of the module.
    """
    started: list[supervisor.Stack] = []

    def start(model_path: Path = model, **settings: str) -> Running:
        directory = tmp_path_factory.mktemp("stack")
        catalogue = directory / "catalogue.sqlite"
        shutil.copyfile(catalogue_url.removeprefix("sqlite:///"), catalogue)
        stack = supervisor.start(supervisor.Ports.free(), model_path, log_dir=directory, with_web=False,
                                 settings={**stack_client.settings(directory, f"sqlite:///{catalogue}"), **settings})
        started.append(stack)
        return Running(stack, directory)

    yield start
    for stack in started:
        supervisor.stop(stack)
