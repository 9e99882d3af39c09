"""Conversations in nynorsk and English with the real stack: every reply in the writer's own language.

A reply is in a language when it is one of that language's responses in the domain, filled in
(each response's text read as a pattern, its placeholders as wildcards). English cards may
carry Norwegian only in names and in fields marked «(in Norwegian)».
"""
from __future__ import annotations

import re
import uuid
from functools import lru_cache

import pytest

from conversation.texts import _responses
from harness.stack_client import say

pytestmark = pytest.mark.e2e

# Norwegian words that have no business in an English card's own words (names aside).
NORWEGIAN_WORDS = re.compile(r"\b(?:og|ikke|ikkje|uten|utan|krever|krev|åpent|stengt|nå|tilbud|tilbod|henvisning)\b", re.I)


@lru_cache(maxsize=None)
def _patterns(language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each sendable response's text in `language` as a full-match pattern with named placeholders."""
    found = []
    for name, variants in _responses().items():
        if name.startswith("utter_phrase_"):  # pieces of a card, never sent alone
            continue
        for variant in variants:
            said = next((c["value"] for c in variant.get("condition") or [] if c["name"] == "language"), "nb")
            if said == language:
                parts = re.split(r"{(\w+)}", variant["text"])
                pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts))
                found.append((name, re.compile(pattern, re.DOTALL)))
    return tuple(found)


def in_language(reply: str, language: str) -> str | None:
    """The response `reply` is, among those written in `language`; None when it is none of them."""
    return next((name for name, pattern in _patterns(language) if pattern.fullmatch(reply)), None)


def conversation(stack, turns: list[str], language: str) -> list[tuple[str, str]]:
    """Say each turn; every reply must be a response in `language`. Returns (response, reply) pairs."""
    sender, said = str(uuid.uuid4()), []
    for turn in turns:
        replies = [reply for reply in say(stack, sender, turn) if reply]  # custom data (a card, a call button) has no text
        assert replies, turn
        for reply in replies:
            name = in_language(reply, language)
            assert name, f"not {language}, after «{turn}»: {reply[:300]}"
            said.append((name, reply))
    return said


@pytest.mark.parametrize("turns, expected", [
    (["eg treng hjelp med rusen min, eg bur i Bergen", "takk skal du ha"], "utter_service_card"),
    (["mora mi drikk altfor mykje, kva kan eg gjere? eg bur i Tromsø"], "utter_relative_support"),
    (["eg trur venen min har teke ein overdose, han pustar ikkje", "ambulansen er på veg, kva gjer eg no?"],
     "utter_crisis_next"),
    (["eg jobbar i NAV og har ein brukar i Bodø som treng avrusing"], "utter_staff_route"),
    (["kva rettar har eg om eg vil inn på behandling?"], "utter_rights_referral"),
])
def test_a_nynorsk_conversation_is_answered_in_nynorsk_at_every_turn(stack, turns, expected):
    said = conversation(stack, turns, "nn")
    assert expected in [name for name, _ in said], said


@pytest.mark.parametrize("turns, expected", [
    (["I need help with heroin, I live in Oslo"], "utter_service_card"),
    (["my son uses drugs, what can I do? we live in Bergen"], "utter_relative_support"),
    (["my friend took an overdose and is not breathing"], "utter_crisis_overdose"),
    (["I work as a social worker and have a client in Bodø who needs detox"], "utter_staff_route"),
    (["do I need a referral to get treatment?"], "utter_rights_referral"),
])
def test_an_english_conversation_has_no_unmarked_norwegian(stack, turns, expected):
    said = conversation(stack, turns, "en")
    assert expected in [name for name, _ in said], said
    for name, reply in said:
        if name != "utter_service_card":
            continue
        card = dict(_patterns("en"))[name].fullmatch(reply).groupdict()
        summary = re.sub(r"\([^)]*\)", "", card["summary"])  # a Norwegian term glossed in brackets is fine
        assert card["summary"].startswith("(in Norwegian) ") or not NORWEGIAN_WORDS.search(summary), reply
        for field in ("why", "hours", "where"):
            assert not NORWEGIAN_WORDS.search(card[field]), (field, reply)
        access = card["access"].split("(in Norwegian)")[0]
        assert not NORWEGIAN_WORDS.search(access), reply
