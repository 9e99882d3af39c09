"""The narrowing buttons sent with results (utter_refine), and what to say when a wish left nothing.

A tap on a button repeats the search with that one wish in place of the wishes
said before (the priorities slot takes the button's entity), or with the
substance it names. A button that leads to "nothing found" costs a person in a
hurry a tap and some trust, so each is tried before it is offered, and only
those that find something are shown. The buttons and their words stay in the
domain; this module only chooses among them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable

from actions.phrasing import variant
from conversation.needs import UNSAID, Wishes

# '/seek_help_self{"priority": "drop_in"}': the intent, then the entities as JSON.
PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$", re.DOTALL)


@dataclass(frozen=True)
class Refinement:
    title: str
    payload: str
    priority: str | None = None
    substance: str | None = None

    @property
    def button(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}

    def applied_to(self, wishes: Wishes) -> Wishes:
        """The wishes after a tap on this button."""
        if self.substance is not None:
            return replace(wishes, substance=self.substance)
        if self.priority is not None:
            return replace(wishes, priorities=() if self.priority == UNSAID else (self.priority,))
        return wishes


def refinements(domain: dict[str, Any], language: str) -> tuple[str, list[Refinement]]:
    """utter_refine's question and buttons in this language."""
    chosen = variant(domain, "utter_refine", language)
    return chosen["text"], [_refinement(button) for button in chosen.get("buttons") or []]


def _refinement(button: dict[str, str]) -> Refinement:
    # The domain doubles payload braces for Rasa's templating; a message sent from code is not templated.
    payload = button["payload"].replace("{{", "{").replace("}}", "}")
    match = PAYLOAD.match(payload)
    entities = json.loads(match["entities"]) if match and match["entities"] else {}
    return Refinement(button["title"], payload, entities.get("priority"), entities.get("substance"))


def worth_offering(wishes: Wishes, options: Iterable[Refinement]) -> list[tuple[Refinement, Wishes]]:
    """The buttons that would change the search, each with the wishes it leads to."""
    return [(option, after) for option in options if (after := option.applied_to(wishes)) != wishes]


def titles_of(priorities: Iterable[str], options: Iterable[Refinement]) -> list[str]:
    """The wishes as the buttons name them ("Anonymt"); a wish with no button has no name here."""
    said = set(priorities)
    return [option.title for option in options if option.priority in said]
