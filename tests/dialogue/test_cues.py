"""Screening cues read from free text: who it is for, what matters, age, language."""
from __future__ import annotations

import pytest

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.cue_extractor import CueExtractor
from conversation.cues import names_a_person, read_cues


@pytest.mark.parametrize(
    "text,who",
    [
        ("jeg trenger hjelp med rusen min", "self"),
        ("eg treng hjelp", "self"),
        ("trenger hjelp med rusen, bor på Nesttun", "self"),  # SMS drops the subject
        ("I need help with heroin", "self"),
        ("jeg er bekymret for sønnen min", "relative"),
        ("my daughter drinks too much", "relative"),
        ("jeg jobber i NAV og har en bruker som trenger LAR", "staff"),
        ("I work as a nurse and my patient needs detox", "staff"),
        ("jeg spør i jobben", "staff"),
        ("avrusning i Oslo", None),  # a preposition is not a person
        ("Bergen", None),
    ],
)
def test_for_whom(text, who):
    assert read_cues(text).for_whom == who


@pytest.mark.parametrize("span", ["sønnen min", "dattera mi", "my friend", "stesønnen min", "kjæresten min", "mora mi",
                                  "foreldrene mine", "ungen min", "lillebror", "barnebarnet mitt"])
def test_a_relation_span_that_names_a_person_counts(span):
    assert names_a_person(span)


@pytest.mark.parametrize("span", ["rusen min", "rusproblemet mitt", "min", "my drug use", "pillene mine"])
def test_a_relation_span_that_names_no_person_is_dropped(span):
    assert not names_a_person(span)


def test_the_extractor_drops_a_relation_that_names_no_person():
    message = Message(data={TEXT: "jeg trenger hjelp med rusen min",
                            ENTITIES: [{"entity": "relation", "value": "rusen min", "start": 24, "end": 33}]})
    [parsed] = CueExtractor().process([message])
    entities = {e["entity"]: e["value"] for e in parsed.get(ENTITIES)}
    assert "relation" not in entities and entities["for_whom"] == "self"


def test_a_named_relation_makes_it_about_a_relative():
    assert read_cues("han ruser seg", names_a_relation=True).for_whom == "relative"


@pytest.mark.parametrize(
    "text,priority",
    [
        ("er noe åpent nå?", "open_now"),
        ("kan jeg komme uten timeavtale", "drop_in"),
        ("må jeg si navnet mitt, vil være anonym", "anonymous"),
        ("jeg er 16", "youth"),
        ("eg er 15 år", "youth"),
        ("jeg går på LAR og trenger bolig", "lar_friendly"),
        ("vil ha et rusfritt sted", "drug_free"),
        ("anything open tonight", "tonight"),
        ("trenger et sted å gå i kveld i Oslo, uten timeavtale", "tonight"),
        ("hvor kan jeg sove i natt", "overnight"),
        ("where can I sleep tonight", "overnight"),
    ],
)
def test_priorities(text, priority):
    assert priority in read_cues(text).priorities


@pytest.mark.parametrize("text", ["er noe åpent nå?", "trenger et sted å gå i kveld", "hvor kan jeg sove i natt"])
def test_one_time_of_day_is_read_from_a_message(text):
    """Only the time the person named: "i kveld" is not "nå"."""
    times = {"open_now", "tonight", "overnight"}
    assert len(times & set(read_cues(text).priorities)) == 1, read_cues(text).priorities


def test_adults_are_not_youth():
    cues = read_cues("jeg er 34 år")
    assert cues.age == 34 and "youth" not in cues.priorities


@pytest.mark.parametrize(
    "text,language",
    [
        ("where can I get help", "en"),
        ("my son uses drugs", "en"),
        ("hvor kan jeg få hjelp", "nb"),
        ("kvar kan eg få hjelp", "nn"),
        ("mora mi drikk altfor mykje, kva kan eg gjere? eg bur i Tromsø", "nn"),
        ("jeg trenger hjelp, bor i Tromsø", "nb"),
        # Words both standards share keep the conversation's Norwegian as it was.
        ("ja takk", None),
        ("hei", None),
        ("Bergen", None),
        ("5003", None),
    ],
)
def test_language(text, language):
    assert read_cues(text).language == language
