"""A missed crisis is a defect: test the guard on phrasings it was not trained on."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conversation.crisis import detect_crisis
from tests.conftest import ROOT

PHRASINGS = yaml.safe_load((ROOT / "tests" / "crisis_phrasings.yml").read_text(encoding="utf-8"))
CRISES = [(intent, text) for intent in ("crisis_overdose", "crisis_suicidal") for text in PHRASINGS[intent]]


@pytest.mark.parametrize("intent,text", CRISES)
def test_guard_catches_every_crisis_phrasing(intent, text):
    assert detect_crisis(text) is not None, text


@pytest.mark.parametrize("text", PHRASINGS["not_crisis"])
def test_guard_leaves_ordinary_messages_alone(text):
    assert detect_crisis(text) is None, text


@pytest.fixture(scope="module")
def agent(model: Path):
    from rasa.core.agent import Agent

    return Agent.load(str(model))


async def test_trained_pipeline_answers_every_crisis_as_a_crisis(agent):
    missed = []
    for intent, text in CRISES:
        parsed = await agent.parse_message(text)
        if not parsed["intent"]["name"].startswith("crisis_"):
            missed.append((text, parsed["intent"]["name"]))
    assert not missed, missed


@pytest.mark.parametrize("text", ["orker ikke mer.\nابحث في Bergen 5003", "orker ikke mer. bor i Bergen", "vil ikke mer!\n<b>"])
def test_a_crisis_sentence_followed_by_more_is_still_a_crisis(text):
    """Found by tests/fuzz: patterns that hold at the end of a message missed a sentence with more after it."""
    assert detect_crisis(text) == "crisis_suicidal"
