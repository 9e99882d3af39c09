from __future__ import annotations

import re

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.cards import card_values
from actions.find_services import ActionFindServices
from services_catalog.db import open_session
from services_catalog.geography import Gazetteer
from services_catalog.search import Query, find_services
from tests.conftest import ROOT


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]


def cards(dispatcher: CollectingDispatcher) -> list[dict]:
    return [m for m in dispatcher.messages if m["response"] == "utter_service_card"]


async def test_need_and_place_in_one_message_gives_local_services(catalogue, dispatcher, tracker_for):
    tracker = tracker_for(
        "seek_help_self",
        "jeg trenger hjelp med rusen min, bor i Bergen",
        entities=[{"entity": "location", "value": "Bergen"}],
        location="Bergen",
    )
    events = await ActionFindServices().run(dispatcher, tracker, {})

    assert responses(dispatcher)[0] == "utter_services_intro"
    assert dispatcher.messages[0]["place"] == "Bergen"
    found = cards(dispatcher)
    assert found, "expected at least one service card"
    for card in found:
        assert card["name"] and card["contact"] and card["verified"] != "–"
        assert card["where"].startswith("Bergen") or card["where"] == "Norge"
    assert responses(dispatcher)[-1] == "utter_national_helpline"
    assert {"event": "slot", "name": "need", "value": "seek_help_self", "timestamp": None} in events


async def test_need_without_place_asks_where(catalogue, dispatcher, tracker_for):
    await ActionFindServices().run(dispatcher, tracker_for("seek_help_self", "trenger hjelp"), {})
    assert responses(dispatcher) == ["utter_ask_location"]


async def test_place_answer_uses_the_need_given_before(catalogue, dispatcher, tracker_for):
    tracker = tracker_for(
        "inform_location", "Trondheim", entities=[{"entity": "location", "value": "Trondheim"}],
        location="Trondheim", need="seek_help_relative",
    )
    await ActionFindServices().run(dispatcher, tracker, {})
    assert cards(dispatcher)
    assert dispatcher.messages[0]["place"] == "Trondheim"


async def test_unknown_place_is_said_back_and_forgotten(catalogue, dispatcher, tracker_for):
    tracker = tracker_for(
        "inform_location", "Xyzzyville", entities=[{"entity": "location", "value": "Xyzzyville"}],
        location="Xyzzyville",
    )
    events = await ActionFindServices().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_place_unknown"]
    assert dispatcher.messages[0]["location"] == "Xyzzyville"
    assert {"event": "slot", "name": "location", "value": None, "timestamp": None} in events


async def test_declining_to_say_where_gives_national_help(catalogue, dispatcher, tracker_for):
    await ActionFindServices().run(dispatcher, tracker_for("deny", "vil ikke si", need="seek_help_self"), {})
    assert responses(dispatcher)[0] == "utter_location_declined"
    found = cards(dispatcher)
    assert found and all(card["where"] == "Norge" for card in found)


async def test_opioid_use_leads_to_substitution(catalogue, dispatcher, tracker_for):
    tracker = tracker_for(
        "inform_substance", "heroin", entities=[{"entity": "substance", "value": "heroin"}],
        substance="heroin", location="Oslo",
    )
    events = await ActionFindServices().run(dispatcher, tracker, {})
    assert {"event": "slot", "name": "need", "value": "ask_substitution", "timestamp": None} in events


async def test_relative_far_from_other_cities_gets_local_and_national_not_distant_kommuner(
    catalogue, dispatcher, tracker_for
):
    tracker = tracker_for(
        "seek_help_relative", "mamma drikker, vi bor i Romsa",
        entities=[{"entity": "location", "value": "Romsa"}], location="Romsa",
    )
    await ActionFindServices().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["place"] == "Tromsø"
    wheres = [card["where"] for card in cards(dispatcher)]
    assert wheres and all(w.startswith("Tromsø") or w == "Norge" for w in wheres), wheres


async def test_a_town_inside_a_kommune_gets_an_approximate_distance(catalogue, dispatcher, tracker_for):
    tracker = tracker_for(
        "seek_help_self", "bor på Nesttun", entities=[{"entity": "location", "value": "Nesttun"}], location="Nesttun",
    )
    await ActionFindServices().run(dispatcher, tracker, {})
    local = [card["where"] for card in cards(dispatcher) if card["where"].startswith("Bergen")]
    assert local and all("≈" in w and w.endswith("km") for w in local), local


def test_card_values_fill_every_placeholder_of_the_card_response(catalogue, tracker_for):
    domain = yaml.safe_load((ROOT / "bot" / "domain" / "help.yml").read_text())
    template = domain["responses"]["utter_service_card"][0]["text"]
    with open_session() as session:
        match = find_services(session, Query(types=frozenset({"hjelpetelefon"})), Gazetteer.load()).matches[0]
    assert set(re.findall(r"{(\w+)}", template)) == set(card_values(match))
