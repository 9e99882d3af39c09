"""Finds Norwegian place names and postcodes the statistical extractor missed.

The gazetteer knows every kommune, town and alternate name, including Sami
names and common misspellings; the trained model only knows the places in the
training data. Both write the same `location` entity, as the user wrote it; the
screening then resolves it once (services_catalog.place_resolver) into the `place` slot.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from services_catalog.geography import Gazetteer
from services_catalog.place_resolver import PlaceResolver

ENTITY = "location"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceExtractor(GraphComponent):
    def __init__(self, resolver: PlaceResolver) -> None:
        self._resolver = resolver

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PlaceExtractor":
        return cls(PlaceResolver(Gazetteer.load()))  # offline: the NLU runs on the event loop

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if any(e.get("entity") == ENTITY for e in entities):
                continue
            text = message.get(TEXT) or ""
            found = [
                {"entity": ENTITY, "start": start, "end": end, "value": text[start:end],
                 "confidence_entity": 1.0, "extractor": self.__class__.__name__}
                for start, end in self._resolver.spans(text)
            ]
            if found:
                message.set(ENTITIES, entities + found, add_to_output=True)
        return messages
