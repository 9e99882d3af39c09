"""Every response the bot can send has its bokmål, nynorsk and English variant, in every state it depends on.

Read as Rasa reads them (conversation.texts picks a variant the same way): for each response,
each language, and each value of the other slots its variants depend on, the variant chosen
must be written in that language, with the same placeholders and buttons as the bokmål one.
"""
from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from conversation.texts import _responses, response_variant

LANGUAGES = ("nb", "nn", "en")


def _language_of(variant: dict[str, Any]) -> str:
    """The language a variant is written in: its condition says, and the unconditioned one is bokmål."""
    return next((c["value"] for c in variant.get("condition") or [] if c["name"] == "language"), "nb")


def _states(variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every combination of the other slots' values the variants name, and of none."""
    values: dict[str, set] = {}
    for variant in variants:
        for condition in variant.get("condition") or []:
            if condition["name"] != "language":
                values.setdefault(condition["name"], {None}).add(condition["value"])
    names = sorted(values)
    return [dict(zip(names, combination)) for combination in itertools.product(*(values[n] for n in names))]


def _placeholders(variant: dict[str, Any]) -> set[str]:
    return set(re.findall(r"{(\w+)}", variant["text"]))


def _payloads(variant: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in variant.get("buttons") or []]


@pytest.mark.parametrize("name", sorted(_responses()))
def test_every_response_speaks_each_language_in_every_state(name):
    for state in _states(_responses()[name]):
        bokmal = response_variant(name, "nb", **state)
        for language in LANGUAGES:
            chosen = response_variant(name, language, **state)
            assert _language_of(chosen) == language, f"{name} has no {language} variant for {state or 'any state'}"
            assert _placeholders(chosen) == _placeholders(bokmal), (name, language, state)
            assert _payloads(chosen) == _payloads(bokmal), (name, language, state)
            assert (chosen.get("custom") or {}).get("number") == (bokmal.get("custom") or {}).get("number")


def test_the_check_can_fail():
    """A response with only bokmål and English is caught as missing nynorsk."""
    english = {"text": "Hi", "condition": [{"type": "slot", "name": "language", "value": "en"}]}
    _responses()["utter_only_two"] = [english, {"text": "Hei"}]
    try:
        with pytest.raises(AssertionError, match="no nn variant"):
            test_every_response_speaks_each_language_in_every_state("utter_only_two")
    finally:
        del _responses()["utter_only_two"]
