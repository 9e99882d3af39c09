"""The action server's answers are checked as strictly as Rasa checks them, with the schema checked once."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import bot.components  # noqa: F401 - installs the check, as loading the model does
from bot import action_response_check


def test_loading_the_components_installs_the_check():
    assert RemoteAction._validate_action_result is action_response_check.validate_action_result


def test_a_valid_answer_passes():
    answer = {"events": [{"event": "slot", "name": "location", "value": "bergen", "timestamp": None}],
              "responses": [{"text": "Dette fant jeg nær Bergen:"}]}
    assert RemoteAction("action_find_services", None)._validate_action_result(answer)


@pytest.mark.parametrize("answer", [
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": [{"text": "hei"}, "not an object"]},
])
def test_an_invalid_answer_fails_with_rasas_message(answer):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_find_services", None)._validate_action_result(answer)
