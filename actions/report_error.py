"""action_report_error: «Meld feil» in the chat and by SMS, about a service the person was just shown.

Which service: a card's own «Meld feil» names it by id, "FEIL 2" by its place
in the list, and when only one was shown it is that one; otherwise the bot
asks. What is wrong: a button, or the words ("nummeret virker ikke") read as a
cue; otherwise the bot asks. Nothing about the person is kept with the report
(services_catalog.reports): the free text is the message as the channel
already redacted it, and only when it was typed.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import UsesCatalogue
from actions.phrasing import language_of, variant
from bot.commands import COMMAND_PREFIX
from services_catalog.reports import Channel, Reason, TooManyReports

SHOWN_SLOT = "shown_services"
# While the bot asks which service or what is wrong: {"service": id} or {"reason": code}, the half already said.
REPORTING_SLOT = "reporting"


class ActionReportError(UsesCatalogue, Action):
    def name(self) -> str:
        return "action_report_error"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        shown = tracker.get_slot(SHOWN_SLOT) or []
        if not shown:
            dispatcher.utter_message(response="utter_report_nothing_shown")
            return [SlotSet(REPORTING_SLOT, None)]
        pending = tracker.get_slot(REPORTING_SLOT) or {}
        service = _which(tracker, shown, pending.get("service"))
        reason = _reason(tracker) or _known_reason(pending.get("reason"))
        if service is None:
            _ask_which(dispatcher, domain, language_of(tracker), shown)
            return [SlotSet(REPORTING_SLOT, {"reason": reason and reason.value})]
        if reason is None:
            dispatcher.utter_message(response="utter_ask_report_reason", name=service["name"])
            return [SlotSet(REPORTING_SLOT, {"service": service["id"]})]
        try:
            await self.catalogue.report(service["id"], reason, _channel(tracker), _typed_text(tracker))
        except TooManyReports:
            dispatcher.utter_message(response="utter_report_later")
            return [SlotSet(REPORTING_SLOT, None)]
        dispatcher.utter_message(response="utter_report_thanks", name=service["name"])
        return [SlotSet(REPORTING_SLOT, None)]


def _which(tracker: Tracker, shown: list[dict[str, str]], asked: str | None) -> dict[str, str] | None:
    """The shown service the report is about: named by id or place, asked about before, or the only one."""
    by_id = {service["id"]: service for service in shown}
    named = next(tracker.get_latest_entity_values("service"), None)
    if named is not None:
        return by_id.get(named)
    position = next(tracker.get_latest_entity_values("position"), None)
    if position is not None:
        index = int(position) - 1
        return shown[index] if 0 <= index < len(shown) else None
    if asked in by_id:
        return by_id[asked]
    return shown[0] if len(shown) == 1 else None


def _reason(tracker: Tracker) -> Reason | None:
    return _known_reason(next(tracker.get_latest_entity_values("reason"), None))


def _known_reason(said: str | None) -> Reason | None:
    try:
        return Reason(said) if said else None
    except ValueError:
        return None


def _ask_which(dispatcher: CollectingDispatcher, domain: dict[str, Any], language: str,
               shown: list[dict[str, str]]) -> None:
    """utter_ask_report_which's words, with one button per service shown."""
    buttons = [{"title": service["name"], "payload": f'/report_error{{"service": "{service["id"]}"}}'}
               for service in shown]
    dispatcher.utter_message(text=variant(domain, "utter_ask_report_which", language)["text"], buttons=buttons)


def _channel(tracker: Tracker) -> Channel:
    """The SMS input channel is named as the reports' channel is ("sms"); everything else is the chat."""
    return Channel.SMS if tracker.get_latest_input_channel() == Channel.SMS.value else Channel.CHAT


def _typed_text(tracker: Tracker) -> str | None:
    """What the person wrote, when they wrote it (a button's payload is no text of theirs)."""
    text = (tracker.latest_message.get("text") or "").strip()
    return None if not text or text.startswith(COMMAND_PREFIX) else text
