"""Read a response straight from the domain files, without a trained model.

The channel layer answers when the model cannot (the safety net, a crisis
answer, the confirmation that a conversation was deleted); those texts still
live once, in bot/domain/, where every other reply lives. A variant is chosen
as Rasa chooses it: one whose conditions all hold for the given slots, else
the unconditional one.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "bot" / "domain"
DEFAULT_LANGUAGE = "nb"


@lru_cache(maxsize=1)
def _responses() -> dict[str, list[dict[str, Any]]]:
    responses: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            responses.setdefault(name, []).extend(variants)
    return responses


def _holds(variant: dict[str, Any], slots: dict[str, Any]) -> bool:
    return all(slots.get(c["name"]) == c["value"] for c in variant.get("condition") or [])


def choose_variant(variants: list[dict[str, Any]], slots: dict[str, Any]) -> dict[str, Any]:
    """The variant Rasa sends for these slots: one whose conditions all hold, else the unconditioned one.

    The one place a language variant is picked: the channels (here) and the actions' card
    phrases (actions/phrasing.py) both come through it.
    """
    conditional = [v for v in variants if v.get("condition") and _holds(v, slots)]
    return (conditional or [v for v in variants if not v.get("condition")])[0]


def response_variant(name: str, language: str | None = None, **slots: Any) -> dict[str, Any]:
    """The variant Rasa would send for these slots: bokmål unless the domain has one for the conversation's language."""
    return choose_variant(_responses()[name], {"language": language or DEFAULT_LANGUAGE, **slots})


def response_text(name: str, language: str | None = None, **slots: Any) -> str:
    return response_variant(name, language, **slots)["text"]


def response_messages(name: str, recipient_id: str, language: str | None = None, **slots: Any) -> list[dict[str, Any]]:
    """The messages Rasa's collecting channel makes of the variant: its text, then its custom payload if any."""
    variant = response_variant(name, language, **slots)
    messages = [{"recipient_id": recipient_id, "text": variant["text"]}]
    if variant.get("custom"):
        messages.append({"recipient_id": recipient_id, "custom": variant["custom"]})
    return messages


def response_texts(name: str) -> frozenset[str]:
    """Every variant's text of a response, to recognise it among the bot's replies."""
    return frozenset(variant["text"] for variant in _responses()[name])


@lru_cache(maxsize=1)
def button_payloads() -> frozenset[str]:
    """Every payload a button of the domain sends, as the client sends it (the domain doubles its braces)."""
    return frozenset(
        button["payload"].replace("{{", "{").replace("}}", "}")
        for variants in _responses().values() for variant in variants for button in variant.get("buttons") or []
    )
