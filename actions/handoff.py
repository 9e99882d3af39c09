"""action_local_service: after "I want to talk to a person", the kommune's own service too.

RUSinfo is named by the domain response; this adds the local rustjeneste with
its hours when the user has said where they are.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.cards import card_values, utter_card
from actions.catalogue import UsesCatalogue
from actions.phrasing import language_of
from actions.place import place_of
from services_catalog.opening_hours import now
from services_catalog.search import Query
from services_catalog.taxonomy import ServiceType


class ActionLocalService(UsesCatalogue, Action):
    def name(self) -> str:
        return "action_local_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        place, kept = await place_of(tracker, self.catalogue)
        if place is None:
            return kept
        wanted = frozenset({ServiceType.KOMMUNAL_RUSTJENESTE})
        query = Query(types=wanted, kommune=place.kommune, point=(place.lat, place.lon),
                      include_national=False, limit=1)
        result = await self.catalogue.search(query)
        local = [m for m in result.matches if m.local]
        if local:
            dispatcher.utter_message(response="utter_local_service", place=place.kommune.name)
            language = language_of(tracker)
            values = card_values(local[0], domain, language, {t.value for t in wanted}, now())
            utter_card(dispatcher, tracker, local[0], values, language)
        return kept
