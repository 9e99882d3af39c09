"""The chat's narrowing buttons and the staff API find the same help for the same place and wish.

Issue 18 item 2: in Tromsø the chat said "nothing" where the staff page listed
offers. Both now build a catalogue Query and call one search; this compares
them end to end, the chat through its action and the staff side over HTTP.
The chat shows its first few (no-referral first), so its cards must be among
the staff answer, and one is empty exactly when the other is.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.find_services import ActionFindServices, wishes_of
from actions.refine import refinements
from services_catalog.db import open_session
from services_catalog.geography import Gazetteer
from services_catalog.opening_hours import OSLO
from services_catalog.search import Query, find_services
from services_catalog.taxonomy import ServiceType
from services_catalog.taxonomy import column_name
from conversation.needs import PRIORITY_PROPERTIES
from tests.actions.conftest import domain, tracker_for  # noqa: F401 - fixtures
from tests.support.actions import from_channel
from tests.support.staff import ids

WEDNESDAY_EVENING = datetime(2026, 12, 2, 20, 0, tzinfo=OSLO)
PLACES = ["Tromsø", "Bergen", "Oslo", "Trondheim", "Stavanger"]
WISHES = ["open_now", "drop_in", "anonymous", "lar_friendly"]


def national_door(catalogue_url: str) -> str:
    with open_session(catalogue_url) as session:
        found = find_services(session, Query(types=frozenset({ServiceType.KOMMUNAL_RUSTJENESTE}), limit=1),
                              Gazetteer.load())
    return next(match.service.id for match in found.matches if match.national)


def staff_filter(priority: str) -> dict[str, str]:
    if priority == "open_now":
        return {"open_at": WEDNESDAY_EVENING.isoformat()}
    return {column_name(PRIORITY_PROPERTIES[priority]): "true"}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("priority", WISHES)
async def test_a_narrowing_button_finds_what_the_staff_lookup_finds(
    catalogue, catalogue_url, reader, tracker_for, domain, monkeypatch, place, priority
):
    monkeypatch.setattr("actions.find_services.now", lambda: WEDNESDAY_EVENING)
    assert priority in {option.priority for option in refinements(domain, "nb")[1]}, "a button of the chat"
    tracker = from_channel(tracker_for("seek_help_self", location=place, need="seek_help_self",
                                       priorities=[priority]), "rest")
    dispatcher = CollectingDispatcher()
    await ActionFindServices().run(dispatcher, tracker, domain)
    # NAV's national line is added where the kommune's own door has no number: a way in, not a result.
    chat = [m["custom"]["id"] for m in dispatcher.messages
            if m["response"] == "utter_service_card" and m["custom"]["id"] != national_door(catalogue_url)]

    types = sorted(t.value for t in wishes_of(tracker).query(WEDNESDAY_EVENING, 1).types)
    staff = await ids(reader, {"kommune": place, "type": types, **staff_filter(priority)})

    assert set(chat) <= set(staff), f"the chat showed what staff would not find: {set(chat) - set(staff)}"
    assert bool(chat) == bool(staff), f"chat {chat} and staff {staff[:5]} disagree on whether there is help"
