"""Deterministic crisis detection, independent of any trained model.

A missed overdose or suicide signal is a defect; a false alarm costs a few
lines of text. So this runs on every message, in the NLU pipeline and in the
channel layer, and it is plain Python so it still works when Rasa does not.
The phrases themselves live in bot/crisis_patterns.yml.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

PATTERNS_FILE = Path(__file__).resolve().parent / "crisis_patterns.yml"
CRISIS_INTENTS = ("crisis_overdose", "crisis_suicidal")


def normalise(text: str) -> str:
    """Lowercase, NFC and single spaces, the form the patterns are written for."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).lower()).strip()


@lru_cache(maxsize=1)
def _compiled(path: Path = PATTERNS_FILE) -> dict[str, re.Pattern[str]]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        intent: re.compile("|".join(f"(?:{entry['pattern']})" for entry in spec[intent]), re.IGNORECASE)
        for intent in CRISIS_INTENTS
    }


# Where a sentence or a line ends. Some patterns hold only at the end of a message ("orker ikke mer"),
# and a person may go on after it ("orker ikke mer.\nbor i Bergen"): each sentence is also read alone.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")


def detect_crisis(text: str) -> str | None:
    """The crisis intent a message, or any sentence or line of it, signals; overdose first; or None."""
    parts = [normalise(text), *(normalise(part) for part in _SENTENCE_END.split(text) if part.strip())]
    for intent, pattern in _compiled().items():
        if any(pattern.search(part) for part in parts):
            return intent
    return None
