"""An NLU component that overrides the intent when a crisis phrase is present.

It runs last in the pipeline, after the classifier and the fallback
classifier, so a crisis is caught even when the classifier is unsure or wrong.
An overdose also gets a `crisis_state` entity (not breathing, unconscious,
deliberate, awake, unknown): the slot it fills picks the first aid that fits,
and stays for the follow-up ("ambulansen er på vei, hva gjør jeg nå?"), which
this component marks as the intent `crisis_followup`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from conversation.crisis import FOLLOWUP_INTENT, detect_crisis, is_followup, overdose_state

STATE_ENTITY = "crisis_state"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisGuard":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = FOLLOWUP_INTENT if is_followup(text) else detect_crisis(text)
            if intent and (message.get(INTENT) or {}).get("name") != intent:
                _override(message, intent)
            if (message.get(INTENT) or {}).get("name") == "crisis_overdose":
                _add_state(message, overdose_state(text))
        return messages


def _override(message: Message, intent: str) -> None:
    override = {"name": intent, "confidence": 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
    message.set(INTENT, override, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)


def _add_state(message: Message, state: str) -> None:
    text = message.get(TEXT) or ""
    entity = {"entity": STATE_ENTITY, "value": state, "start": 0, "end": len(text), "extractor": "CrisisGuard"}
    others = [e for e in message.get(ENTITIES) or [] if e.get("entity") != STATE_ENTITY]
    message.set(ENTITIES, [*others, entity], add_to_output=True)
