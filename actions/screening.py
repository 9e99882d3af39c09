"""validate_screening_form: fills the need from what was said and checks the place.

The questions themselves (utter_ask_<slot>) and their buttons are in the
domain. The need has no entity of its own: it is read from the intent, and a
vague "I need help" must not overwrite a specific "detox" said earlier. A
position shared from the web chat answers where.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.catalogue import POSITION_SLOT, kommune_at, place_named, position_slots, shared_position
from actions.needs import GENERAL_NEED, GENERAL_NEEDS, NEEDS, UNSAID, uses_opioids


class ValidateScreeningForm(FormValidationAction):
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
        kommune = await kommune_at(*point)
        if kommune is None:
            dispatcher.utter_message(response="utter_position_outside_norway")
            return {POSITION_SLOT: None}  # a slot set, so the form asks again instead of being rejected
        return position_slots(*point, kommune)

    async def validate_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == UNSAID or (isinstance(value, str) and await place_named(value)):
            return {"location": value}
        dispatcher.utter_message(response="utter_place_unknown", location=value)
        return {"location": None}
