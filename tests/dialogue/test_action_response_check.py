"""The action server's answers are checked as strictly as Rasa checks them, with the schema checked once."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import action_response_check
from bot.channels.web import WebInput


def test_building_the_server_installs_the_check():
    """The web channel's blueprint is made when the Rasa server is built."""
    WebInput().blueprint(lambda message: None)
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
