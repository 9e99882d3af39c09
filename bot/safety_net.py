"""The reply a channel sends when the bot itself cannot answer.

A person who writes about an overdose must get 113 even when the action
server, the catalogue or the model is down. So the channel layer, which is
the last code that runs before the person sees anything, sends this text; it
is read straight from the domain file, not from a trained model, so it works
before and without one. The text itself lives once, in bot/domain/safety.yml.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

SAFETY_FILE = Path(__file__).resolve().parent / "domain" / "safety.yml"
RESPONSE = "utter_safety_net"


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Language code ("en", or "nb" for the unconditional variant) -> text."""
    responses = yaml.safe_load(SAFETY_FILE.read_text(encoding="utf-8"))["responses"][RESPONSE]
    texts: dict[str, str] = {}
    for variant in responses:
        conditions = variant.get("condition") or []
        language = next((c["value"] for c in conditions if c.get("name") == "language"), "nb")
        texts[language] = variant["text"]
    return texts


def safety_net_text(language: str | None = None) -> str:
    """Bokmål unless the conversation is known to be in a language the domain has a variant for."""
    variants = _variants()
    return variants.get(language or "nb", variants["nb"])
