from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.find_services import ActionFindServices


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
        assert card["distance"].endswith("km")
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
    assert found and all(card["distance"] == "–" for card in found)


async def test_opioid_use_leads_to_substitution(catalogue, dispatcher, tracker_for):
    tracker = tracker_for(
        "inform_substance", "heroin", entities=[{"entity": "substance", "value": "heroin"}],
        substance="heroin", location="Oslo",
    )
    events = await ActionFindServices().run(dispatcher, tracker, {})
    assert {"event": "slot", "name": "need", "value": "ask_substitution", "timestamp": None} in events
