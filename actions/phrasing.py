"""Short phrases inside a card (opening hours, "Norway"), read from the domain.

A card is one message, so its parts cannot be separate responses; they are
still written in the domain (responses named utter_phrase_*), in every
language, and picked here the way Rasa picks a response variation.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from conversation.texts import DEFAULT_LANGUAGE, choose_variant


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def phrase(domain: dict[str, Any], name: str, language: str, **values: Any) -> str:
    return variant(domain, name, language)["text"].format(**values)


def variant(domain: dict[str, Any], name: str, language: str) -> dict[str, Any]:
    """The response variation Rasa would pick for this language, from the domain the action server was given."""
    return choose_variant(domain["responses"][name], {"language": language})
