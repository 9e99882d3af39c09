"""Handoff to a human: the local rustjeneste, when the place is known."""
from __future__ import annotations

from actions.handoff import ActionLocalService


async def test_a_known_place_adds_the_kommunes_own_service(catalogue, dispatcher, tracker_for, domain):
    await ActionLocalService(catalogue).run(dispatcher, tracker_for("human_handoff", location="Bergen"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_local_service", "utter_service_card"]
    assert dispatcher.messages[1]["hours"]  # hours, or plainly that they are not known


async def test_without_a_place_nothing_is_added(catalogue, dispatcher, tracker_for, domain):
    await ActionLocalService(catalogue).run(dispatcher, tracker_for("human_handoff", location="unsaid"), domain)
    assert dispatcher.messages == []
