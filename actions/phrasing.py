"""Short phrases inside a card (opening hours, "Norway"), read from the domain.

A card is one message, so its parts cannot be separate responses; they are
still written in the domain (responses named utter_phrase_*), in every
language, and picked here the way Rasa picks a response variation.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

DEFAULT_LANGUAGE = "nb"


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def phrase(domain: dict[str, Any], name: str, language: str, **values: Any) -> str:
    return variant(domain, name, language)["text"].format(**values)


def variant(domain: dict[str, Any], name: str, language: str) -> dict[str, Any]:
    """The response variation Rasa would pick for this language: its own, else the unconditioned one."""
    variants = domain["responses"][name]
    chosen = next((v for v in variants if _for_language(v, language)), None)
    return chosen or next(v for v in variants if not v.get("condition"))


def _for_language(variant: dict[str, Any], language: str) -> bool:
    return any(
        c.get("name") == "language" and c.get("value") == language for c in variant.get("condition") or []
    )
