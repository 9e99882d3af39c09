"""The channel-level safety net and the pseudonymous sender ids."""
from __future__ import annotations

import pytest

from bot.privacy import pseudonym as pseudonym_module
from bot.privacy.pseudonym import pseudonym
from bot.safety_net import safety_net_text
from tests.support.phones import phone_numbers


@pytest.mark.parametrize("language", ["nb", "en", None, "nn"])
def test_the_safety_net_always_names_113_and_the_helplines(language):
    numbers = phone_numbers(safety_net_text(language))
    assert {"113", "116123", "22400040"} <= numbers


def test_each_language_gets_its_own_and_unknown_languages_get_bokmal():
    assert safety_net_text("en").startswith("Sorry")
    assert safety_net_text("nn") != safety_net_text("nb") == safety_net_text(None) == safety_net_text("se")


def test_a_pseudonym_is_stable_keyed_and_hides_the_number(monkeypatch):
    monkeypatch.setenv(pseudonym_module.KEY_ENV, "key-one")
    pseudonym_module._key.cache_clear()
    first = pseudonym("sms", "+4791234567")
    assert first == pseudonym("sms", "+4791234567")
    assert "91234567" not in first
    assert first != pseudonym("web", "+4791234567")
    monkeypatch.setenv(pseudonym_module.KEY_ENV, "key-two")
    pseudonym_module._key.cache_clear()
    assert pseudonym("sms", "+4791234567") != first
    pseudonym_module._key.cache_clear()


@pytest.mark.parametrize("sender", ["abc\udfff", "\ud800", "\udfff\ud800x", "\x00", "\u202e1\u202c"])
def test_any_sender_id_json_can_carry_gets_a_pseudonym(sender):
    """A lone surrogate once made pseudonym() raise, so a crisis behind it got a 500 and no 113 (issue 17)."""
    conversation = pseudonym("web", sender)
    assert conversation.startswith("web-") and conversation == pseudonym("web", sender)
    assert conversation != pseudonym("web", sender + "x")
