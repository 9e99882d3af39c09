"""Tracker fixtures in the style of Rasa's demo projects."""
from __future__ import annotations

from typing import Any, Callable

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import Catalogue
from tests.conftest import ROOT

TrackerFactory = Callable[..., Tracker]


@pytest.fixture(scope="session")
def catalogue(catalogue_url: str) -> Catalogue:
    """The shipped catalogue, handed to the actions as the action server hands in its own."""
    return Catalogue.at(catalogue_url)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def tracker_for() -> TrackerFactory:
    def make(
        intent: str, text: str = "", entities: list[dict[str, Any]] | None = None, **slots: Any
    ) -> Tracker:
        return Tracker(
            sender_id="test",
            slots=slots,
            latest_message={"intent": {"name": intent, "confidence": 1.0}, "entities": entities or [], "text": text},
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return make


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The real domain, as Rasa sends it to the action server (responses included)."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "bot" / "domain")).as_dict()
