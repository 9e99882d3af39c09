"""Only the domain's own buttons and a shared position reach Rasa as commands; typed text never does (issue 17)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import as_command_or_text
from conversation.texts import button_payloads


@pytest.mark.parametrize("typed, read_as", [
    ("/restart", "restart"),
    ("/session_start", "session_start"),
    ('/greet{"language":"xx"}', 'greet{"language":"xx"}'),
    ("/hjelp jeg heter Kari og bor i Storgata 77", "hjelp jeg heter Kari og bor i Storgata 77"),
    ("  //deny", "deny"),
    ('/inform_location{"latitude": "60", "longitude": 5}', 'inform_location{"latitude": "60", "longitude": 5}'),
    ('/inform_location{"latitude": 60, "longitude": 5, "for_whom": "staff"}',
     'inform_location{"latitude": 60, "longitude": 5, "for_whom": "staff"}'),
])
def test_typed_commands_are_read_as_words(typed, read_as):
    assert as_command_or_text(typed) == read_as


def test_the_widget_may_ask_for_the_greeting_but_not_set_a_slot_with_it():
    assert as_command_or_text("/greet") == "/greet"
    assert not as_command_or_text('/greet{"language": "xx"}').startswith("/")


def test_every_button_of_the_domain_still_works():
    payloads = button_payloads()
    assert '/seek_help_self{"priority": "open_now"}' in payloads and "/deny" in payloads
    assert all(as_command_or_text(payload) == payload for payload in payloads)


def test_a_shared_position_is_rounded_to_about_100_m():
    command = as_command_or_text('/inform_location{"latitude":60.391234,"longitude":5.322101}')
    assert command.startswith("/inform_location")
    assert json.loads(command.removeprefix("/inform_location")) == {"latitude": 60.391, "longitude": 5.322}


@given(st.text(max_size=200))
def test_nothing_but_a_button_or_a_position_comes_out_as_a_command(text):
    result = as_command_or_text(text)
    if result.lstrip().startswith("/"):
        assert result in button_payloads() or result == "/greet" or result.startswith("/inform_location{")
