"""Finds Norwegian place names and postcodes the statistical extractor missed.

The gazetteer knows every kommune, town and alternate name, including Sami
names and common misspellings; the trained model only knows the places in the
training data. Both write the same `location` entity, as the user wrote it.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from services_catalog.geography import LIVE_WORDS, Gazetteer

ENTITY = "location"
# "bor i X" names a place even when we do not know X; passing it on lets the
# dialogue say "I did not recognise X" instead of asking where they live.
SAID_TO_LIVE_IN = re.compile(
    rf"\b(?:{'|'.join(sorted(LIVE_WORDS))})\s+(?:i|på|paa|in|at)\s+"
    r"(?!(?:en|ei|et|ein|eit|a|an|the|my|min|mi|mitt|ingen|no)\b)([^\s,.!?]+)",
    re.IGNORECASE,
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceExtractor(GraphComponent):
    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PlaceExtractor":
        return cls(Gazetteer.load())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if any(e.get("entity") == ENTITY for e in entities):
                continue
            text = message.get(TEXT) or ""
            spans = [(start, end) for start, end, _place in self._gazetteer.find_in_text(text)]
            if not spans and (named := SAID_TO_LIVE_IN.search(text)):
                spans = [named.span(1)]
            found = [
                {"entity": ENTITY, "start": start, "end": end, "value": text[start:end],
                 "confidence_entity": 1.0, "extractor": self.__class__.__name__}
                for start, end in spans
            ]
            if found:
                message.set(ENTITIES, entities + found, add_to_output=True)
        return messages
