"""validate_screening_form: fills the need from what was said and checks the place.

The questions themselves (utter_ask_<slot>) and their buttons are in the
domain. The need has no entity of its own: it is read from the intent, and a
vague "I need help" must not overwrite a specific "detox" said earlier. A
position shared from the web chat answers where. A place is resolved here, once,
and kept in the `place` slot (actions/place.py).
"""
from __future__ import annotations

import math
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.catalogue import UsesCatalogue
from actions.place import PLACE_SLOT, place_slots
from conversation.needs import GENERAL_NEED, GENERAL_NEEDS, NEEDS, UNSAID, uses_opioids


class ValidateScreeningForm(UsesCatalogue, FormValidationAction):
    def name(self) -> str:
        return "validate_screening_form"

    async def extract_need(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A specific need replaces a general one; a general one never overwrites a specific one."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        current = tracker.get_slot("need")
        asked = tracker.get_slot("requested_slot") == "need"
        if intent in NEEDS and (current is None or asked or intent not in GENERAL_NEEDS):
            return {"need": intent}
        if intent == "inform_substance" and uses_opioids(tracker.get_slot("substance")):
            if current is None or current in GENERAL_NEEDS:
                return {"need": "ask_substitution"}
        if intent == "deny" and asked:
            return {"need": GENERAL_NEED}
        return {}

    async def extract_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A shared position ("use my location" in the web chat) answers where: its kommune, and the point."""
        point = shared_position(tracker)
        if point is None:
            return {}
        place = await self.catalogue.place_at(*point)
        if place is None:
            dispatcher.utter_message(response="utter_position_outside_norway")
            return {PLACE_SLOT: None}  # a slot set, so the form asks again instead of being rejected
        return place_slots(self.catalogue, place.name, place)

    async def validate_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == UNSAID:
            return {"location": value, PLACE_SLOT: None}
        if (kept := self.catalogue.places.recall(tracker.get_slot(PLACE_SLOT), value)) is not None:
            return place_slots(self.catalogue, value, kept)  # the shared position, or a place said again
        place = await self.catalogue.place_named(value) if isinstance(value, str) and value else None
        if place is not None:
            return place_slots(self.catalogue, value, place)
        dispatcher.utter_message(response="utter_place_unknown", location=value)
        return {"location": None, PLACE_SLOT: None}


def shared_position(tracker: Tracker) -> tuple[float, float] | None:
    """The latitude and longitude entities of the latest message, when both are sane numbers."""
    values = [next(tracker.get_latest_entity_values(name), None) for name in ("latitude", "longitude")]
    try:
        lat, lon = (float(v) for v in values)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon
