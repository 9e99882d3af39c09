"""Screening cues read from free text: who it is for, what matters, age, language."""
from __future__ import annotations

import pytest

from bot.cues import read_cues


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
        ("anything open tonight", "open_now"),
    ],
)
def test_priorities(text, priority):
    assert priority in read_cues(text).priorities


def test_adults_are_not_youth():
    cues = read_cues("jeg er 34 år")
    assert cues.age == 34 and "youth" not in cues.priorities


@pytest.mark.parametrize(
    "text,language",
    [
        ("where can I get help", "en"),
        ("my son uses drugs", "en"),
        ("hvor kan jeg få hjelp", "nb"),
        ("kvar kan eg få hjelp", "nb"),
        ("Bergen", None),
        ("5003", None),
    ],
)
def test_language(text, language):
    assert read_cues(text).language == language
