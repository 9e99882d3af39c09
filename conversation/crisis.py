"""Deterministic crisis detection, independent of any trained model.

A missed overdose or suicide signal is a defect; a false alarm costs a few
lines of text. So this runs on every message, in the NLU pipeline and in the
channel layer, and it is plain Python so it still works when Rasa does not.
The phrases themselves live in conversation/crisis_patterns.yml.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

PATTERNS_FILE = Path(__file__).resolve().parent / "crisis_patterns.yml"
CRISIS_INTENTS = ("crisis_overdose", "crisis_suicidal")
FOLLOWUP_INTENT = "crisis_followup"
# The person's state in an overdose, most urgent first; each has its own first-aid answer in bot/domain/safety.yml.
OVERDOSE_STATES = ("not_breathing", "unconscious", "deliberate", "awake")
UNKNOWN_STATE = "unknown"


def normalise(text: str) -> str:
    """Lowercase, NFC and single spaces, the form the patterns are written for."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).lower()).strip()


@lru_cache(maxsize=1)
def _spec(path: Path = PATTERNS_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


@lru_cache(maxsize=1)
def _compiled() -> dict[str, re.Pattern[str]]:
    return {intent: _any_of([entry["pattern"] for entry in _spec()[intent]]) for intent in CRISIS_INTENTS}


@lru_cache(maxsize=1)
def _states() -> dict[str, re.Pattern[str]]:
    return {state: _any_of(_spec()["overdose_states"][state]) for state in OVERDOSE_STATES}


@lru_cache(maxsize=1)
def _followup() -> re.Pattern[str]:
    return _any_of(_spec()["crisis_followup"])


# Where a sentence or a line ends. Some patterns hold only at the end of a message ("orker ikke mer"),
# and a person may go on after it ("orker ikke mer.\nbor i Bergen"): each sentence is also read alone.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")


def _parts(text: str) -> list[str]:
    return [normalise(text), *(normalise(part) for part in _SENTENCE_END.split(text) if part.strip())]


def _in_any(pattern: re.Pattern[str], parts: list[str]) -> bool:
    return any(pattern.search(part) for part in parts)


def detect_crisis(text: str) -> str | None:
    """The crisis intent a message, or any sentence or line of it, signals; overdose first; or None."""
    parts = _parts(text)
    for intent, pattern in _compiled().items():
        if _in_any(pattern, parts):
            return intent
    return None


def overdose_state(text: str) -> str:
    """The state an overdose message describes, so the first aid fits it: not breathing needs HLR, not a side position.

    A message that signals suicide as well is "deliberate" unless the person is already
    not breathing or unconscious, where the body's need comes first.
    """
    parts = _parts(text)
    suicidal = _in_any(_compiled()["crisis_suicidal"], parts)
    for state, pattern in _states().items():
        if (state == "deliberate" and suicidal) or _in_any(pattern, parts):
            return state
    return UNKNOWN_STATE


def is_followup(text: str) -> bool:
    """Help is on its way and the person asks what now: the next step, not the first answer again.

    "Ambulansen" alone signals an overdose, so the follow-up words are taken out
    before asking whether anything else in the message is a new crisis.
    """
    if not _in_any(_followup(), _parts(text)):
        return False
    return detect_crisis(_followup().sub(" ", normalise(text))) is None
