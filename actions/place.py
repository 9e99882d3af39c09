"""The person's place as the conversation keeps it: resolved once, into the `place` slot.

The screening resolves what the person wrote (or the position they shared) and
keeps the result beside the `location` slot, which holds their own words for the
replies. Everything after reads the kept place. Only a place named outside the
screening, so not resolved yet, is resolved here, by the same resolver, and kept.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.catalogue import Catalogue
from conversation.needs import UNSAID
from services_catalog.geography import Place

PLACE_SLOT = "place"


def place_slots(catalogue: Catalogue, said: str, place: Place) -> dict[str, Any]:
    return {"location": said, PLACE_SLOT: catalogue.places.remember(place, said)}


async def place_of(tracker: Tracker, catalogue: Catalogue) -> tuple[Place | None, list[EventType]]:
    """Where to search, and the slot event that keeps a place resolved only now."""
    said = tracker.get_slot("location")
    if not said or said == UNSAID:
        return None, []
    kept = catalogue.places.recall(tracker.get_slot(PLACE_SLOT), said)
    if kept is not None:
        return kept, []
    place = await catalogue.place_named(said)
    return place, ([SlotSet(PLACE_SLOT, catalogue.places.remember(place, said))] if place else [])
