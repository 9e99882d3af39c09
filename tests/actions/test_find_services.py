"""action_find_services on the shipped catalogue, with tracker fixtures as Rasa's demos do."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest

from actions.cards import card_values
from actions.find_services import ActionFindServices
from services_catalog.geography import Gazetteer
from services_catalog.opening_hours import OSLO
from services_catalog.place_resolver import PlaceResolver
from services_catalog.search import Query, find_services
from tests.support.actions import cards, from_channel, refine_titles, responses



async def test_need_and_place_in_one_message_gives_local_services(catalogue, dispatcher, tracker_for, domain):
    tracker = tracker_for("seek_help_self", "jeg trenger hjelp med rusen min, bor i Bergen",
                          location="Bergen", need="seek_help_self", for_whom="self")
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)

    assert responses(dispatcher)[0] == "utter_services_intro"
    assert dispatcher.messages[0]["place"] == "Bergen"
    found = cards(dispatcher)
    assert found, "expected at least one service card"
    for card in found:
        assert card["name"] and card["contact"] and card["verified"] != "–" and card["why"] != "–"
        assert card["where"].startswith(("Bergen", "Norge"))
    assert responses(dispatcher)[-2] == "utter_national_helpline"
    assert refine_titles(dispatcher), "the narrowing buttons come last"


async def test_a_relative_gets_support_for_themselves(catalogue, dispatcher, tracker_for, domain):
    tracker = tracker_for("inform_location", "Trondheim", location="Trondheim",
                          need="seek_help_relative", for_whom="relative")
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert "utter_relative_support" in responses(dispatcher)
    assert any("pårørende" in card["why"].lower() for card in cards(dispatcher)), cards(dispatcher)


async def test_an_unknown_place_is_said_back(catalogue, dispatcher, tracker_for, domain):
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("inform_location", location="Xyzzyville"), domain)
    assert responses(dispatcher) == ["utter_place_unknown"]
    assert dispatcher.messages[0]["location"] == "Xyzzyville"


@pytest.mark.parametrize("location", [None, "unsaid"])
async def test_no_place_gives_national_help(catalogue, dispatcher, tracker_for, domain, location):
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("deny", "vil ikke si", need="seek_help_self", location=location), domain)
    assert responses(dispatcher)[0] == "utter_location_declined"
    found = cards(dispatcher)
    assert found and all(card["where"].startswith("Norge") for card in found)


async def test_opioid_use_adds_substitution(catalogue, dispatcher, tracker_for, domain):
    tracker = tracker_for("inform_substance", substance="heroin", location="Oslo", need="seek_help_self")
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert any("LAR" in card["why"] or "substitusjon" in card["why"].lower() for card in cards(dispatcher))


async def test_open_now_without_known_hours_finds_nothing_local_but_keeps_the_helpline(
    catalogue, dispatcher, tracker_for, domain
):
    """Nobody is sent to a door we cannot vouch for: every card shown is open now, by its known hours."""
    tracker = tracker_for("seek_help_self", location="Oslo", need="seek_help_self", priorities=["open_now"])
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    found = cards(dispatcher)
    assert all(card["hours"].startswith("åpent nå") for card in found), found
    assert found or "utter_nothing_found" in responses(dispatcher)
    assert "utter_national_helpline" in responses(dispatcher)


async def test_english_cards_use_english_phrases(catalogue, dispatcher, tracker_for, domain):
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("deny", need="seek_help_self", location="unsaid", language="en"), domain)
    assert all(card["where"].startswith("Norway") for card in cards(dispatcher))


async def test_relative_far_from_other_cities_gets_local_and_national_not_distant_kommuner(
    catalogue, dispatcher, tracker_for, domain
):
    tracker = tracker_for("seek_help_relative", location="Romsa", need="seek_help_relative", for_whom="relative")
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    intro = next(m for m in dispatcher.messages if m["response"] in ("utter_services_intro", "utter_no_local_services"))
    assert intro["place"] == "Tromsø"
    wheres = [card["where"] for card in cards(dispatcher)]
    assert wheres and all(w.startswith(("Tromsø", "Norge", "dekker")) or _km(w) <= 100 for w in wheres), wheres


def _km(where: str) -> float:
    """The distance a card's "Hvor" gives ("Senja, ≈ 39 km"); infinite when it gives none."""
    match = re.search(r"([\d.]+) km", where)
    return float(match.group(1)) if match else math.inf


async def test_a_town_inside_a_kommune_gets_an_approximate_distance(catalogue, dispatcher, tracker_for, domain):
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("seek_help_self", location="Nesttun", need="seek_help_self"), domain)
    local = [card["where"] for card in cards(dispatcher) if card["where"].startswith("Bergen")]
    assert local and all("≈" in w and w.endswith("km") for w in local), local


def test_card_values_fill_every_placeholder_of_the_card_response(catalogue, domain):
    with catalogue.sessions() as session:
        match = find_services(session, Query(types=frozenset({"hjelpetelefon"})), Gazetteer.load()).matches[0]
    values = card_values(match, domain, "nb", {"hjelpetelefon"}, datetime(2026, 11, 23, 12, tzinfo=OSLO))
    for variant in domain["responses"]["utter_service_card"]:
        assert set(re.findall(r"{(\w+)}", variant["text"])) == set(values)


@pytest.mark.parametrize("channel", ["rest", "web"])
async def test_channels_that_draw_cards_get_each_card_as_data(catalogue, dispatcher, tracker_for, domain, channel):
    tracker = from_channel(tracker_for("inform_location", location="Bergen", need="seek_help_relative",
                                       for_whom="relative"), channel)
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    found = cards(dispatcher)
    assert found
    for card in found:
        data = card["custom"]
        assert data["type"] == "service_card" and data["language"] == "nb"
        assert data["name"] == card["name"] and data["hours"] == card["hours"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["verified"])
        assert all(number.replace(" ", "") in card["contact"].replace(" ", "") for number in data["phones"])
        if card["where"].startswith(("Norge", "dekker")):
            assert data["point"] is None  # a helpline, or a service known only by the fylker it serves: no pin
        else:
            # No shipped point is the address itself: a postcode's town or a kommune centre, marked so;
            # the sourced street is still shown, in the text as in the data.
            assert data["point"]["exact"] is False
            assert (data["address"] or "–") == card["address"]


@pytest.mark.parametrize("channel", ["sms", None])
async def test_other_channels_get_the_card_as_text_only(catalogue, dispatcher, tracker_for, domain, channel):
    """Rasa's default for data a channel cannot draw is to send it as JSON text: never in an SMS."""
    tracker = from_channel(tracker_for("inform_location", location="Bergen", need="seek_help_self"), channel)
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert cards(dispatcher) and all(not card["custom"] for card in cards(dispatcher))


NESTTUN = {"said": "Bergen", "name": "Bergen", "kind": "position", "kommune": "4601", "lat": 60.32, "lon": 5.35,
           "approximate": False}


class NoResolving(PlaceResolver):
    """A resolver that fails the test if asked to resolve a name: the kept place must do."""

    def named(self, text: str) -> None:
        raise AssertionError(f"{text!r} resolved again")


async def test_a_shared_position_is_searched_from_the_point(catalogue, dispatcher, tracker_for, domain):
    kept_only = replace(catalogue, places=NoResolving(catalogue.places.gazetteer))
    tracker = tracker_for("inform_location", location="Bergen", need="seek_help_self", place=NESTTUN)
    events = await ActionFindServices(kept_only).run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["place"] == "Bergen"
    local = [card["where"] for card in cards(dispatcher) if card["where"].startswith("Bergen")]
    assert local and all(re.fullmatch(r"Bergen, ≈ [\d.]+ km", where) for where in local), local
    assert not [e for e in events if e.get("name") == "place"]  # nothing to keep: it was kept


async def test_a_position_is_dropped_once_another_place_is_named(catalogue, dispatcher, tracker_for, domain):
    tracker = tracker_for("inform_location", location="Oslo", need="seek_help_self", place=NESTTUN)
    events = await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["place"] == "Oslo"
    [kept] = [e["value"] for e in events if e.get("name") == "place"]  # resolved once, and kept for next time
    assert (kept["said"], kept["kommune"]) == ("Oslo", "0301")


# --- "i kveld", "i natt", "nå": an open-at filter, and honesty when nothing local is open ------

WEDNESDAY_AFTERNOON = datetime(2026, 12, 2, 14, 0, tzinfo=OSLO)


@pytest.fixture
def wednesday_afternoon(monkeypatch):
    monkeypatch.setattr("actions.find_services.now", lambda: WEDNESDAY_AFTERNOON)
    return WEDNESDAY_AFTERNOON


async def test_tonight_in_oslo_finds_a_local_drop_in_open_this_evening(
    catalogue, dispatcher, tracker_for, domain, wednesday_afternoon
):
    tracker = tracker_for("seek_help_self", location="Oslo", need="seek_help_self", priorities=["tonight", "drop_in"])
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert responses(dispatcher)[0] == "utter_services_intro"
    local = [card for card in cards(dispatcher) if card["where"].startswith("Oslo")]
    assert local, responses(dispatcher)
    with catalogue.sessions() as session:
        evening = datetime(2026, 12, 2, 19, 0, tzinfo=OSLO)
        found = find_services(session, Query(kommune=Gazetteer.load().kommune("0301"), drop_in=True, open_at=evening,
                                             types=frozenset({"kommunal-rustjeneste", "lavterskel-helse",
                                                              "tsb-poliklinikk"})), Gazetteer.load())
    assert {card["name"] for card in local} <= {m.service.name for m in found.matches} | {
        f"{m.service.name} ({m.service.organization_name})" for m in found.matches}


async def test_nothing_open_tonight_says_so_and_when_the_first_local_place_opens(
    catalogue, dispatcher, tracker_for, domain, wednesday_afternoon
):
    """Bergen's low-threshold places close by 22 on weekdays: "i natt" (23:00) finds none open."""
    tracker = tracker_for("ask_low_threshold_health", location="Bergen", need="ask_low_threshold_health",
                          priorities=["overnight"])
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    said = dispatcher.messages
    assert said[0]["response"] == "utter_nothing_open_local" and said[0]["asked"] == "i natt"
    upcoming = said[1]
    assert upcoming["response"] == "utter_next_opening", said
    assert upcoming["date"] == "03.12." and re.fullmatch(r"\d\d:\d\d", upcoming["time"])
    assert said[2]["response"] in ("utter_open_nearest", "utter_nothing_found")
    assert all(not card["where"].startswith("Bergen") for card in cards(dispatcher))


async def test_english_nothing_open_is_said_in_english(catalogue, dispatcher, tracker_for, domain, wednesday_afternoon):
    tracker = tracker_for("ask_low_threshold_health", location="Bergen", need="ask_low_threshold_health",
                          priorities=["overnight"], language="en")
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["asked"] == "tonight"


def _kommune_without_own_door(catalogue) -> str:
    """A kommune the catalogue has no local kommune service for (there are fewer as it grows)."""
    gazetteer = Gazetteer.load()
    door = frozenset({"kommunal-rustjeneste"})
    with catalogue.sessions() as session:
        for kommune in sorted(gazetteer.kommuner(), key=lambda k: k.number):
            found = find_services(session, Query(types=door, kommune=kommune, include_national=False), gazetteer)
            if not any(match.local for match in found.matches):
                return kommune.name
    raise AssertionError("every kommune has its own door in the catalogue: this test has nothing left to check")


async def test_a_kommune_without_a_sourced_door_says_so_and_points_to_the_legevakt_and_nav(
    catalogue, dispatcher, tracker_for, domain
):
    place = _kommune_without_own_door(catalogue)
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("seek_help_self", location=place, need="seek_help_self"), domain)
    said = dispatcher.messages
    assert said[0]["response"] == "utter_no_kommune_door" and said[0]["place"] == place
    assert "116 117" in domain["responses"]["utter_no_kommune_door"][-1]["text"]
    assert any("NAV" in card["name"] and card["contact"] != "–" for card in cards(dispatcher)), cards(dispatcher)


async def test_a_kommune_with_its_own_door_is_not_told_it_has_none(catalogue, dispatcher, tracker_for, domain):
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("seek_help_self", location="Sandnes", need="seek_help_self"), domain)
    assert "utter_no_kommune_door" not in responses(dispatcher)


async def test_someone_seeking_help_gets_what_needs_no_referral_first(catalogue, dispatcher, tracker_for, domain):
    """Issue 18: in Tromsø the regional authority (referral needed) came before the kommune's own door."""
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("seek_help_self", location="Tromsø", need="seek_help_self"), domain)
    access = [card["access"] for card in cards(dispatcher)]
    needs_referral = ["henvisning" in a.lower() and "uten" not in a.lower() for a in access]
    assert needs_referral == sorted(needs_referral), access  # no referral-free one after one that needs it


@pytest.mark.parametrize(("for_whom", "leads_with_route"), [("staff", True), ("self", False), ("relative", False)])
async def test_staff_get_the_referral_route_before_the_places(
    catalogue, dispatcher, tracker_for, domain, for_whom, leads_with_route
):
    tracker = tracker_for("ask_detox", "jeg jobber i NAV og har en bruker i Bodø som trenger avrusning",
                          location="Bodø", need="ask_detox", for_whom=for_whom)
    await ActionFindServices(catalogue).run(dispatcher, tracker, domain)
    assert (responses(dispatcher)[0] == "utter_staff_route") is leads_with_route
    assert cards(dispatcher), "the places follow the route"


async def test_staff_get_the_printable_list_of_the_same_search(catalogue, dispatcher, tracker_for, domain, monkeypatch):
    monkeypatch.setenv("VEIVISER_STAFF_URL", "http://127.0.0.1:8001/")
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("ask_detox", location="Bodø", need="ask_detox", for_whom="staff"), domain)
    [message] = [m for m in dispatcher.messages if m["response"] == "utter_staff_list_link"]
    assert message["url"] == "http://127.0.0.1:8001/?place=Bod%C3%B8&type=avrusning"
    assert message["note_url"] == "http://127.0.0.1:8001/note?place=Bod%C3%B8&type=avrusning"


@pytest.mark.parametrize("for_whom, described", [("staff", True), ("self", False)])
async def test_staff_see_what_each_number_is_for(catalogue, dispatcher, tracker_for, domain, for_whom, described):
    """Borgestadklinikken's intake office answers questions about referrals: staff need to see that line."""
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("ask_detox", location="Kristiansand", need="ask_detox",
                                             for_whom=for_whom), domain)
    contacts = [card["contact"] for card in cards(dispatcher)]
    assert any("35 90 47 80" in contact for contact in contacts), contacts
    assert any("35 90 47 80 (Inntakskontoret (spørsmål om henvisning)" in c for c in contacts) is described, contacts


async def test_a_kommune_door_without_a_number_comes_with_navs_line(catalogue, dispatcher, tracker_for, domain):
    """Austevoll's door is known by name only: no "no door" message, but a number to call next to it."""
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("seek_help_self", location="Austevoll", need="seek_help_self"), domain)
    assert "utter_no_kommune_door" not in responses(dispatcher)
    found = cards(dispatcher)
    assert any(card["where"].startswith("Austevoll") and card["contact"] == "–" for card in found), found
    assert any("NAV" in card["name"] and card["contact"] != "–" for card in found), found
