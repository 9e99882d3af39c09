"""First aid that fits what was said (issue 18): the state an overdose message describes picks the answer.

Rasa picks at random among the response variants whose conditions hold, so the
domain is checked with Rasa's own variant filter: for every language and state
exactly one text can be sent, and it is the one the channel layer would send.
"""
from __future__ import annotations

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain

from conversation.crisis import OVERDOSE_STATES, UNKNOWN_STATE, detect_crisis, is_followup, overdose_state
from conversation.texts import DOMAIN_DIR, response_text

STATES = (*OVERDOSE_STATES, UNKNOWN_STATE, None)
LANGUAGES = ("nb", "en")
CRISIS_RESPONSES = ("utter_crisis_overdose", "utter_crisis_next", "utter_crisis_when_help_arrives")


@pytest.fixture(scope="module")
def variants() -> ResponseVariationFilter:
    return ResponseVariationFilter(Domain.load(str(DOMAIN_DIR)).responses)


@pytest.mark.parametrize("name", CRISIS_RESPONSES)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", STATES)
def test_each_state_and_language_has_one_answer_with_113_and_a_call_button(variants, name, language, state):
    chosen = variants.responses_for_utter_action(name, "web", {"language": language, "crisis_state": state})
    assert len({v["text"] for v in chosen}) == 1, chosen
    assert chosen[0]["text"] == response_text(name, language, crisis_state=state)
    assert "113" in chosen[0]["text"] and chosen[0]["custom"]["number"] == "113"


@pytest.mark.parametrize("text, state", [
    ("han puster ikke", "not_breathing"),
    ("vennen min pustar ikkje, kva gjer eg", "not_breathing"),
    ("he's not breathing", "not_breathing"),
    ("hun puster men våkner ikke", "unconscious"),
    ("my friend passed out and won't wake up", "unconscious"),
    ("jeg har tatt alle pillene mine med vilje", "deliberate"),
    ("jeg tok en overdose fordi jeg vil dø", "deliberate"),
    ("jeg har tatt for mye", "awake"),
    ("han har tatt en overdose", "unknown"),
])
def test_the_state_is_read_from_the_message(text, state):
    assert detect_crisis(text) == "crisis_overdose"
    assert overdose_state(text) == state


def test_not_breathing_gets_hlr_and_naloxone_not_only_the_side_position():
    answer = response_text("utter_crisis_overdose", "nb", crisis_state="not_breathing")
    assert answer.startswith("Ring 113") and "HLR" in answer and "30 trykk" in answer and "nalokson" in answer
    english = response_text("utter_crisis_overdose", "en", crisis_state="not_breathing")
    assert english.startswith("Call 113") and "CPR" in english and "naloxone" in english


@pytest.mark.parametrize("text", ["ambulansen er på veg, kva gjer eg no?", "vi har ringt 113, hva nå",
                                  "the ambulance is on its way, what now", "hva gjør jeg mens vi venter?"])
def test_a_follow_up_is_not_read_as_a_new_crisis(text):
    assert is_followup(text)


@pytest.mark.parametrize("text", ["han puster ikke, ambulansen kommer", "sønnen min ruser seg, hva gjør jeg nå",
                                  "hvor er nærmeste legevakt"])
def test_a_new_crisis_or_an_ordinary_question_is_no_follow_up(text):
    assert not is_followup(text)


@pytest.mark.parametrize("state", STATES)
def test_the_next_step_is_never_the_first_answer_again(state):
    for language in LANGUAGES:
        first = response_text("utter_crisis_overdose", language, crisis_state=state)
        assert response_text("utter_crisis_next", language, crisis_state=state) != first
