"""Counts the generated inputs each entry point was sent, and how it answered; prints both at the end of the run."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest


class Tally:
    """`tally(entry_point, outcome)` once per input actually sent (shrinking included)."""

    def __init__(self) -> None:
        self.outcomes: defaultdict[str, Counter] = defaultdict(Counter)

    def __call__(self, entry_point: str, outcome: object) -> None:
        self.outcomes[entry_point][str(outcome)] += 1

    def lines(self) -> list[str]:
        total = sum(sum(c.values()) for c in self.outcomes.values())
        lines = [f"fuzz: {total} inputs tried"]
        for entry_point, outcomes in sorted(self.outcomes.items()):
            spread = ", ".join(f"{outcome}: {count}" for outcome, count in sorted(outcomes.items()))
            lines.append(f"  {entry_point}: {sum(outcomes.values())} ({spread})")
        return lines


TALLY = pytest.StashKey[Tally]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TALLY] = Tally()


@pytest.fixture(scope="session")
def tally(request: pytest.FixtureRequest) -> Tally:
    return request.config.stash[TALLY]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    tally = config.stash.get(TALLY, None)
    if tally is not None and tally.outcomes:
        for line in tally.lines():
            terminalreporter.write_line(line)
