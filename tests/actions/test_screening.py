"""The screening form's adapter: what it fills from a turn, and what it refuses."""
from __future__ import annotations

import pytest

from actions.catalogue import Catalogue
from conversation.needs import UNSAID, types_for
from actions.screening import ValidateScreeningForm
from services_catalog.geography import Gazetteer
from services_catalog.place_resolver import PlaceResolver
from services_catalog.taxonomy import ServiceType

FORM = ValidateScreeningForm(Catalogue(places=PlaceResolver(Gazetteer.load())))


@pytest.mark.parametrize(
    "intent,current,requested,expected",
    [
        ("ask_detox", None, None, "ask_detox"),
        ("ask_detox", "seek_help_self", None, "ask_detox"),  # specific replaces general
        ("seek_help_self", "ask_detox", None, None),  # general never overwrites specific
        ("seek_help_self", "ask_detox", "need", "seek_help_self"),  # ...unless it answers the question
        ("deny", None, "need", "seek_help_self"),  # "vet ikke" still gets help
        ("deny", None, "location", None),
        ("greet", None, "need", None),
    ],
)
async def test_need_comes_from_the_intent(dispatcher, tracker_for, intent, current, requested, expected):
    tracker = tracker_for(intent, need=current, requested_slot=requested)
    assert await FORM.extract_need(dispatcher, tracker, {}) == ({"need": expected} if expected else {})


async def test_opioids_turn_a_general_need_into_substitution(dispatcher, tracker_for):
    tracker = tracker_for("inform_substance", need="seek_help_self", substance="heroin")
    assert await FORM.extract_need(dispatcher, tracker, {}) == {"need": "ask_substitution"}


@pytest.mark.parametrize("said,kommune", [("Bergen", "4601"), ("bergn", "4601"), ("Romsa", "5501"),
                                           ("5003", "4601"), ("Grünerløkka", "0301")])
async def test_a_known_place_is_resolved_once_and_kept(dispatcher, tracker_for, said, kommune):
    result = await FORM.validate_location(said, dispatcher, tracker_for("inform_location"), {})
    assert result["location"] == said
    assert result["place"]["said"] == said and result["place"]["kommune"] == kommune
    assert result["place"]["approximate"] is True  # a name's point is its centre, not the person's
    assert dispatcher.messages == []


async def test_unsaid_is_accepted_silently_and_forgets_a_kept_place(dispatcher, tracker_for):
    result = await FORM.validate_location(UNSAID, dispatcher, tracker_for("inform_location"), {})
    assert result == {"location": UNSAID, "place": None}
    assert dispatcher.messages == []


async def test_an_unknown_place_is_refused_and_the_user_told(dispatcher, tracker_for):
    result = await FORM.validate_location("Atlantis", dispatcher, tracker_for("inform_location"), {})
    assert result == {"location": None, "place": None}
    assert dispatcher.messages[0]["response"] == "utter_place_unknown"
    assert dispatcher.messages[0]["location"] == "Atlantis"


def test_relatives_always_get_support_for_themselves_and_opioids_add_substitution():
    assert ServiceType.PARORENDE in types_for("ask_detox", None, "relative")
    assert ServiceType.LAR in types_for("seek_help_self", "heroin", "self")
    assert ServiceType.LAR not in types_for("ask_housing", "heroin", "self")


def coordinates(lat, lon) -> list[dict]:
    return [{"entity": "latitude", "value": lat}, {"entity": "longitude", "value": lon}]


async def test_a_shared_position_fills_the_place_with_its_kommune(dispatcher, tracker_for):
    tracker = tracker_for("inform_location", entities=coordinates(60.3913, 5.3221))
    assert await FORM.extract_location(dispatcher, tracker, {}) == {
        "location": "Bergen", "place": {"said": "Bergen", "name": "Bergen", "kind": "position", "kommune": "4601",
                                        "lat": 60.3913, "lon": 5.3221, "approximate": False}}
    assert dispatcher.messages == []


async def test_a_position_outside_norway_is_said_and_the_place_asked_again(dispatcher, tracker_for):
    tracker = tracker_for("inform_location", entities=coordinates(48.8566, 2.3522))  # Paris
    assert await FORM.extract_location(dispatcher, tracker, {}) == {"place": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_position_outside_norway"]


@pytest.mark.parametrize("entities", [
    [],
    [{"entity": "latitude", "value": 60.39}],
    coordinates("north", 5.32),
    coordinates(91, 5.32),
    coordinates(float("nan"), 5.32),
    [{"entity": "location", "value": "Bergen"}],
])
async def test_no_or_broken_coordinates_fill_nothing(dispatcher, tracker_for, entities):
    tracker = tracker_for("inform_location", entities=entities)
    assert await FORM.extract_location(dispatcher, tracker, {}) == {}
    assert dispatcher.messages == []
