"""action_find_services: from what the screening gathered to matching services.

An adapter only: it reads the need, the person, the place and what matters
from the tracker, asks the catalogue, and hands the results to responses
defined in the domain.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.cards import card_values, utter_card
from actions.catalogue import Catalogue, UsesCatalogue
from actions.phrasing import language_of, phrase
from actions.place import place_of
from actions.refine import Refinement, refinements, titles_of, worth_offering
from actions.report_error import SHOWN_SLOT
from conversation.needs import GENERAL_NEED, UNSAID, Wishes, asked_time, wanted_properties
from services_catalog.geography import Place
from services_catalog.opening_hours import Asked, now
from services_catalog.reports import Channel
from services_catalog.search import Query, Result
from services_catalog.taxonomy import ServiceType
from staff_web.links import NOTE_PATH, lookup_link

RESULTS_SHOWN = 3
NATIONAL_SHOWN = 3


class ActionFindServices(UsesCatalogue, Action):
    def name(self) -> str:
        return "action_find_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        when = now()
        wishes = wishes_of(tracker)
        said = tracker.get_slot("location")
        place, kept = await place_of(tracker, self.catalogue)
        if said and said != UNSAID and place is None:
            dispatcher.utter_message(response="utter_place_unknown", location=said)
            return []
        if tracker.get_slot("for_whom") == "staff":
            dispatcher.utter_message(response="utter_staff_route")  # staff need the route before the places
        if place is None:
            dispatcher.utter_message(response="utter_location_declined")
        language = language_of(tracker)
        question, options = refinements(domain, language)
        found = await _search_turn(self.catalogue, wishes, place, worth_offering(wishes, options), when)
        if found.no_door:
            dispatcher.utter_message(response="utter_no_kommune_door", place=place.name)
        await _introduce_results(dispatcher, self.catalogue, found, place, titles_of(wishes.priorities, options),
                                 _asked_words(domain, found.asked, language) if found.asked else "")
        if tracker.get_slot("for_whom") == "relative":
            dispatcher.utter_message(response="utter_relative_support")
        shown = await _cards(dispatcher, tracker, domain, found, wishes, when,
                             await self.catalogue.cautioned_services([m.service.id for m in found.result.matches]))
        if found.result.matches and tracker.get_latest_input_channel() == Channel.SMS.value:
            dispatcher.utter_message(response="utter_report_hint_sms")
        if tracker.get_slot("for_whom") == "staff" and place is not None:
            types = [t.value for t in found.query.types]
            link = lookup_link(place.name, types)
            if link:
                dispatcher.utter_message(response="utter_staff_list_link", url=link,
                                         note_url=lookup_link(place.name, types, NOTE_PATH))
        dispatcher.utter_message(response="utter_national_helpline")
        buttons = [option.button for (option, _), finds in zip(found.offered, found.tried) if finds]
        if buttons:
            # utter_refine's own words and buttons, less those that would find nothing.
            dispatcher.utter_message(text=question, buttons=buttons)
        # What "nummeret virker ikke" or "FEIL 2" will be about.
        return [*kept, SlotSet(SHOWN_SLOT, shown)]


@dataclass(frozen=True)
class Found:
    """One turn's search: what to show, and what the words around it need to know."""

    query: Query
    result: Result  # with NAV's line added where the kommune's door has no number
    searched: Result  # as the search gave it
    unfiltered: bool  # the search without the person's wishes finds something
    offered: list[tuple[Refinement, Wishes]]
    tried: list[bool]  # whether each offered button finds something
    no_door: bool
    asked: Asked | None


async def _search_turn(catalogue: Catalogue, wishes: Wishes, place: Place | None,
                       offered: list[tuple[Refinement, Wishes]], when: datetime) -> Found:
    """One trip to the catalogue: the search and the doors; whether the search without wishes,
    and each button's, would find anything."""
    query = _placed(wishes.query(when, RESULTS_SHOWN), place)
    door_asked = place is not None and ServiceType.KOMMUNAL_RUSTJENESTE in query.types
    (searched, *door_results), (unfiltered, *tried) = await catalogue.search_all(
        [query] + ([_local_doors(query), NATIONAL_DOOR] if door_asked else []),
        [_placed(replace(wishes, priorities=()).query(when, 1), place)]
        + [_placed(after.query(when, 1), place) for _, after in offered])
    result, no_door = searched, False
    if door_asked:
        local, national = door_results
        doors = [match for match in local.matches if match.local]
        no_door = not doors
        if not any(door.service.phones for door in doors):
            result = _with_national_door(result, national)  # no number for the kommune's own door: NAV's line
    return Found(query, result, searched, unfiltered, offered, tried, no_door, asked_time(wishes.priorities))


async def _introduce_results(dispatcher: CollectingDispatcher, catalogue: Catalogue, found: Found,
                             place: Place | None, named: list[str], asked: str) -> None:
    """The sentence before the cards: nothing open at the asked time, a wish that left nothing, or where."""
    if place is not None and found.asked is not None and not any(m.local for m in found.result.matches):
        await _nothing_open_locally(dispatcher, catalogue, found.query, found.result, place.name, asked)
    elif not found.searched.matches and found.unfiltered and named:
        dispatcher.utter_message(response="utter_wish_found_nothing", wishes=" + ".join(named))
    elif place is not None:
        _introduce(dispatcher, found.result, place.name)
    elif not found.result.matches:
        dispatcher.utter_message(response="utter_nothing_found")


async def _cards(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], found: Found,
                 wishes: Wishes, when: datetime, warned: set[str]) -> list[dict[str, str]]:
    """One card per match, with a caution where people have reported it closed; what was shown."""
    language = language_of(tracker)
    wanted = {t.value for t in found.query.types} | {p.value for p in wanted_properties(wishes.priorities)}
    shown = []
    for match in found.result.matches:
        values = card_values(match, domain, language, wanted, when, staff=tracker.get_slot("for_whom") == "staff")
        if match.service.id in warned:
            values["summary"] = f'{phrase(domain, "utter_phrase_caution", language)}\n{values["summary"]}'
        utter_card(dispatcher, tracker, match, values, language)
        shown.append({"id": match.service.id, "name": values["name"]})
    return shown


def wishes_of(tracker: Tracker) -> Wishes:
    priorities = tuple(p for p in tracker.get_slot("priorities") or [] if p != UNSAID)
    return Wishes(need=tracker.get_slot("need") or GENERAL_NEED, substance=tracker.get_slot("substance"),
                  for_whom=tracker.get_slot("for_whom"), priorities=priorities, age=tracker.get_slot("age"))


def _placed(query: Query, place: Place | None) -> Query:
    """The search around the place; with none, national help (phone and chat lines included)."""
    if place is None:
        return replace(query, types=query.types | {ServiceType.HJELPETELEFON}, limit=min(query.limit, NATIONAL_SHOWN))
    return replace(query, kommune=place.kommune, point=(place.lat, place.lon))


def _introduce(dispatcher: CollectingDispatcher, result: Result, place: str) -> None:
    if not result.matches:
        dispatcher.utter_message(response="utter_nothing_found")
    elif result.fallback:
        dispatcher.utter_message(response="utter_no_local_services", place=place)
    else:
        dispatcher.utter_message(response="utter_services_intro", place=place)


def _local_doors(query: Query) -> Query:
    """The kommune's own services at any hour, apart from the person's other wishes: a door that is
    closed tonight or not drop-in is still the kommune's door."""
    return Query(types=frozenset({ServiceType.KOMMUNAL_RUSTJENESTE}), kommune=query.kommune, point=query.point,
                 include_national=False, limit=3)


# The national way into the kommune's services (NAV's contact centre).
NATIONAL_DOOR = Query(types=frozenset({ServiceType.KOMMUNAL_RUSTJENESTE}), limit=1)


def _with_national_door(result: Result, national: Result) -> Result:
    """The national door added when not shown yet, before anything that needs a referral: it needs none."""
    shown = {match.service.id for match in result.matches}
    extra = tuple(match for match in national.matches if match.national and match.service.id not in shown)
    at = next((i for i, match in enumerate(result.matches) if match.service.referral_required), len(result.matches))
    return replace(result, matches=result.matches[:at] + extra + result.matches[at:])


async def _nothing_open_locally(
    dispatcher: CollectingDispatcher, catalogue: Catalogue, query: Query, result: Result, place: str, asked: str
) -> None:
    """Say so, say when something local opens, and then show what is open nearest."""
    dispatcher.utter_message(response="utter_nothing_open_local", place=place, asked=asked)
    upcoming = await catalogue.next_opening(query)
    if upcoming is not None:
        match, opening = upcoming
        dispatcher.utter_message(response="utter_next_opening", name=match.service.name,
                                 date=f"{opening.start:%d.%m.}", time=f"{opening.start:%H:%M}")
    dispatcher.utter_message(response="utter_open_nearest" if result.matches else "utter_nothing_found", asked=asked)


ASKED_PHRASES = {Asked.NOW: "utter_phrase_asked_open_now", Asked.TONIGHT: "utter_phrase_asked_tonight",
                 Asked.OVERNIGHT: "utter_phrase_asked_overnight"}


def _asked_words(domain: dict[str, Any], asked: Asked, language: str) -> str:
    return phrase(domain, ASKED_PHRASES[asked], language)
