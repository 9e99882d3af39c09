"""action_find_services: from what the user said to matching services.

An adapter only: it reads the need and place from the tracker, asks the
catalogue, and hands the results to responses defined in the domain.
"""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.cards import card_values
from actions.needs import NEEDS, need_for
from services_catalog.db import open_session
from services_catalog.geography import Gazetteer, Place
from services_catalog.search import Query, Result, find_services
from services_catalog.taxonomy import ServiceType

RESULTS_SHOWN = 3
NATIONAL_SHOWN = 2


class ActionFindServices(Action):
    def name(self) -> str:
        return "action_find_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        need = need_for(intent, tracker.get_slot("substance"), tracker.get_slot("need"))
        events: list[EventType] = [SlotSet("need", need)]
        if intent == "deny" and not tracker.get_slot("location"):
            dispatcher.utter_message(response="utter_location_declined")
            types = frozenset(NEEDS[need]) | {ServiceType.HJELPETELEFON}
            for match in (await asyncio.to_thread(_search, Query(types=types, limit=NATIONAL_SHOWN))).matches:
                dispatcher.utter_message(response="utter_service_card", **card_values(match))
            return events
        said = _place_text(tracker)
        if said is None:
            dispatcher.utter_message(response="utter_ask_location")
            return events
        place = Gazetteer.load().resolve(said)
        if place is None:
            dispatcher.utter_message(response="utter_place_unknown", location=said)
            return events + [SlotSet("location", None)]
        await self._recommend(dispatcher, need, place)
        return events

    async def _recommend(self, dispatcher: CollectingDispatcher, need: str, place: Place) -> None:
        query = Query(types=frozenset(NEEDS[need]), kommune=place.kommune, point=(place.lat, place.lon), limit=RESULTS_SHOWN)
        result = await asyncio.to_thread(_search, query)
        if result.matches and not result.fallback:
            dispatcher.utter_message(response="utter_services_intro", place=place.name)
        elif result.matches:
            dispatcher.utter_message(response="utter_no_local_services", place=place.name)
        else:
            dispatcher.utter_message(response="utter_nothing_found")
        for match in result.matches:
            dispatcher.utter_message(response="utter_service_card", **card_values(match))
        dispatcher.utter_message(response="utter_national_helpline")


def _place_text(tracker: Tracker) -> str | None:
    """This turn's place if one was named, else the one given earlier."""
    return next(tracker.get_latest_entity_values("location"), None) or tracker.get_slot("location")


def _search(query: Query) -> Result:
    with open_session() as session:
        return find_services(session, query, Gazetteer.load())
