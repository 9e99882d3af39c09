"""The narrowing buttons: only those that would find something, and a word on the wish that found nothing."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.find_services import ActionFindServices
from conversation.needs import Wishes
from actions.refine import refinements, worth_offering
from tests.support.actions import cards, refine_titles, responses



def test_the_buttons_are_read_from_the_domain_with_their_wishes(domain):
    question, options = refinements(domain, "nb")
    assert question == "Vil du at jeg skal snevre inn?"
    by_title = {option.title: option for option in options}
    assert by_title["Uten timeavtale"].priority == "drop_in"
    assert by_title["Heroin eller andre opioider"].substance == "opioider"
    assert by_title["Uten timeavtale"].payload == '/seek_help_self{"priority": "drop_in"}', "sent untemplated"


def test_a_button_that_would_change_nothing_is_not_offered(domain):
    _, options = refinements(domain, "nb")
    titles = {option.title for option, _ in worth_offering(Wishes(priorities=("anonymous",)), options)}
    assert "Anonymt" not in titles and "Vis alt" in titles
    assert "Vis alt" not in {option.title for option, _ in worth_offering(Wishes(), options)}


async def test_a_wish_that_empties_the_search_is_named(catalogue, dispatcher, tracker_for, domain):
    """Tromsø has help, none of it recorded as anonymous among the kinds asked for (issue 18 item 2)."""
    tracker = tracker_for("seek_help_self", location="Tromsø", need="seek_help_self", priorities=["anonymous"])
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert all(card["where"].startswith("Norge") for card in cards(dispatcher)), "at most NAV's national line"
    said = next(m for m in dispatcher.messages if m["response"] == "utter_wish_found_nothing")
    assert said["wishes"] == "Anonymt"
    assert "Anonymt" not in refine_titles(dispatcher) and "Vis alt" in refine_titles(dispatcher)


PLACES_AND_WISHES = [
    ("Tromsø", "seek_help_self", []), ("Tromsø", "seek_help_self", ["anonymous"]),
    ("Bergen", "ask_low_threshold_health", []), ("Kautokeino", "seek_help_relative", []),
    ("Oslo", "ask_housing", ["drop_in"]), ("Bodø", "ask_substitution", ["lar_friendly"]),
]


@pytest.mark.parametrize(("place", "need", "priorities"), PLACES_AND_WISHES)
async def test_every_button_offered_finds_something_when_tapped(
    catalogue, tracker_for, domain, place, need, priorities
):
    first = CollectingDispatcher()
    await ActionFindServices(catalogue).run(first, tracker_for("seek_help_self", location=place, need=need, priorities=priorities), domain)
    _, options = refinements(domain, "nb")
    offered = [option for option in options if option.title in refine_titles(first)]
    assert offered, "some narrowing is always possible in these places"
    for option in offered:
        tapped = CollectingDispatcher()
        slots = {"priorities": [option.priority]} if option.priority else {"substance": option.substance}
        await ActionFindServices(catalogue).run(tapped, tracker_for("seek_help_self", **{"location": place, "need": need,
                                                                  "priorities": priorities, **slots}), domain)
        assert cards(tapped), f"{option.title!r} in {place} was offered but finds nothing: {responses(tapped)}"
