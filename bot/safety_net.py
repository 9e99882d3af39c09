"""The reply a channel sends when the bot itself cannot answer.

A person who writes about an overdose must get 113 even when the action
server, the catalogue or the model is down. So the channel layer, which is
the last code that runs before the person sees anything, sends this text; it
is read straight from the domain file, not from a trained model, so it works
before and without one. The text itself lives once, in bot/domain/safety.yml.
"""
from __future__ import annotations

from conversation.texts import response_text

RESPONSE = "utter_safety_net"


def safety_net_text(language: str | None = None) -> str:
    """Bokmål unless the conversation is known to be in a language the domain has a variant for."""
    return response_text(RESPONSE, language)
