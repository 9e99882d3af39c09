"""Adds the screening cues of conversation/cues.py to each message as entities.

Entities, not slots, because Rasa's slot mappings then fill the screening
form from them like from any other entity, and tests can see them in the
parse result.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from conversation.cues import names_a_person, read_cues


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CueExtractor(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CueExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = [e for e in message.get(ENTITIES) or [] if not _false_relation(e)]
            names_a_relation = any(e.get("entity") == "relation" for e in entities)
            cues = read_cues(message.get(TEXT) or "", names_a_relation)
            found = [("for_whom", cues.for_whom), ("age", cues.age), ("language", cues.language),
                     ("reason", cues.report_reason)]
            found += [("priority", priority) for priority in cues.priorities]
            entities = entities + [_entity(name, value) for name, value in found if value is not None]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


def _false_relation(entity: dict[str, Any]) -> bool:
    """A relation that names no person ("rusen min") must not make the writer a relative."""
    return entity.get("entity") == "relation" and not names_a_person(str(entity.get("value") or ""))


def _entity(name: str, value: object) -> dict[str, Any]:
    """A cue belongs to the whole message, not to a span; an empty span keeps Rasa's evaluation happy."""
    return {
        "entity": name, "value": value, "start": 0, "end": 0,
        "confidence_entity": 1.0, "extractor": CueExtractor.__name__,
    }
