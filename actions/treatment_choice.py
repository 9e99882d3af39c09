"""action_list_treatment_choice: the places a patient may choose, shortest wait first.

Under the right to choose treatment place (pasient- og brukerrettighetsloven
§ 2-4) the whole country is open, so place does not rank; waiting time does.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.cards import MISSING, day_month_year
from actions.catalogue import UsesCatalogue
from conversation.needs import NEEDS
from services_catalog.search import Match, Query, Sort

PLACES_SHOWN = 5


class ActionListTreatmentChoice(UsesCatalogue, Action):
    def name(self) -> str:
        return "action_list_treatment_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        query = Query(
            types=frozenset(NEEDS["ask_treatment_choice"]),
            right_to_choose=True,
            sort=Sort.WAIT,
            include_national=False,
            limit=PLACES_SHOWN,
        )
        result = await self.catalogue.search(query)
        if result.matches:
            dispatcher.utter_message(response="utter_treatment_places_intro")
        for match in result.matches:
            dispatcher.utter_message(**_place_line(match))
        return []


def _place_line(match: Match) -> dict[str, Any]:
    service = match.service
    values = {"name": service.name, "place": match.kommune_name or MISSING}
    if service.wait_weeks is None:
        return {"response": "utter_treatment_place_no_wait", **values}
    return {
        "response": "utter_treatment_place_wait",
        "weeks": f"{service.wait_weeks:g}",
        "measured": day_month_year(service.wait_measured),
        **values,
    }
