"""Read a response's text straight from the domain files, without a trained model.

The channel layer answers when the model cannot (the safety net, a crisis
answer, the confirmation that a conversation was deleted); those texts still
live once, in bot/domain/, where every other reply lives.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent / "domain"
DEFAULT_LANGUAGE = "nb"


@lru_cache(maxsize=1)
def _responses() -> dict[str, dict[str, str]]:
    """Response name -> language code ("en", or "nb" for the unconditional variant) -> text."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variant in variants:
                conditions = variant.get("condition") or []
                language = next((c["value"] for c in conditions if c.get("name") == "language"), DEFAULT_LANGUAGE)
                texts.setdefault(name, {})[language] = variant["text"]
    return texts


def response_text(name: str, language: str | None = None) -> str:
    """Bokmål unless the domain has a variant for the conversation's language."""
    variants = _responses()[name]
    return variants.get(language or DEFAULT_LANGUAGE, variants[DEFAULT_LANGUAGE])


def response_texts(name: str) -> frozenset[str]:
    """Every language's text of a response, to recognise it among the bot's replies."""
    return frozenset(_responses()[name].values())
