"""Conversations with the real stack on free loopback ports, through the web channel."""
from __future__ import annotations

import urllib.request
import uuid

import pytest

from harness.stack_client import exchange, say

pytestmark = pytest.mark.e2e


def test_thin_slice(stack):
    sender = str(uuid.uuid4())
    assert "Veiviser" in say(stack, sender, "hei")[0]
    replies = say(stack, sender, "jeg trenger hjelp med rusen min, bor i Bergen")
    assert "Bergen" in replies[0]
    cards = [r for r in replies if "Sist kontrollert" in r]
    assert cards, replies
    assert all("Hvor: Bergen" in card or "Hvor: Norge" in card for card in cards), cards
    assert any("rusinfo.no" in r for r in replies), replies
    assert not any("Som pårørende" in r for r in replies), replies  # "rusen min" is the writer's own



def test_a_place_inside_a_kommune_gets_a_distance(stack):
    replies = say(stack, str(uuid.uuid4()), "trenger hjelp med rusen, bor på Nesttun")
    assert any("Hvor: Bergen, ≈" in r and "km" in r for r in replies), replies


def test_overdose_gets_113_first_even_mid_conversation(stack):
    sender = str(uuid.uuid4())
    say(stack, sender, "trenger hjelp med rus")
    replies = say(stack, sender, "vennen min puster ikke")
    assert replies[0].startswith("Ring 113"), replies


def test_a_relative_is_asked_only_for_the_place_and_gets_support_for_themselves(stack):
    sender = str(uuid.uuid4())
    assert any("Hvor bor du" in r for r in say(stack, sender, "sønnen min ruser seg, hva gjør jeg"))
    replies = say(stack, sender, "Trondheim")
    assert any("pårørende" in r.lower() for r in replies), replies
    assert any("Sist kontrollert" in r for r in replies), replies


def test_prefer_not_to_say_is_accepted_for_every_question(stack):
    sender = str(uuid.uuid4())
    assert any("for deg selv" in r for r in say(stack, sender, "hjelp"))
    assert any("Hvor bor du" in r for r in say(stack, sender, "vil ikke si"))
    replies = say(stack, sender, "vil ikke si")
    assert any("hele landet" in r for r in replies), replies
    assert any("Hvor: Norge" in r for r in replies), replies


def test_an_unknown_place_is_said_and_asked_again(stack):
    sender = str(uuid.uuid4())
    replies = say(stack, sender, "trenger avrusning, bor i Atlantis")
    assert any("Atlantis" in r for r in replies), replies
    replies = say(stack, sender, "Bodø")
    assert any("Bodø" in r for r in replies) and any("Sist kontrollert" in r for r in replies), replies


def test_overdose_in_the_middle_of_the_screening_ends_it(stack):
    sender = str(uuid.uuid4())
    say(stack, sender, "trenger avrusning")
    replies = say(stack, sender, "vennen min puster ikke, vi er i Bergen")
    assert replies[0].startswith("Ring 113"), replies
    assert not any("Sist kontrollert" in r or "Hvor bor du" in r for r in replies), replies


def test_results_come_with_refinement_buttons_that_work(stack):
    sender = str(uuid.uuid4())
    messages = exchange(stack, sender, "jeg trenger hjelp med rusen min, bor i Oslo")
    buttons = [b for m in messages for b in m.get("buttons", [])]
    open_now = next(b for b in buttons if b["title"] == "Åpent nå")
    replies = say(stack, sender, open_now["payload"])
    assert any("rusinfo.no" in r for r in replies), replies  # RUSinfo is always offered


def test_english_gets_english(stack):
    replies = say(stack, str(uuid.uuid4()), "I need help with heroin in Oslo")
    assert any(r.startswith("This is what I found near Oslo") for r in replies), replies
    assert any("Last checked" in r for r in replies), replies


def test_treatment_choice_is_explained_with_the_places(stack):
    replies = say(stack, str(uuid.uuid4()), "kan jeg velge behandlingssted selv? fritt behandlingsvalg")
    assert "2023" in replies[0], replies
    assert any("ventetid" in r for r in replies[1:]), replies


def test_demo_page_embeds_the_widget_pointed_at_the_rasa_server(stack):
    with urllib.request.urlopen(stack.web_url, timeout=10) as response:
        page = response.read().decode()
    assert "Veiviser" in page
    assert f'src="/widget/veiviser-widget.js" defer data-server="{stack.rasa_url}"' in page
    with urllib.request.urlopen(f"{stack.web_url}/widget/veiviser-widget.js", timeout=10) as response:
        assert response.headers.get_content_type() in {"text/javascript", "application/javascript"}
        assert "Slett samtalen" in response.read().decode()


def test_a_neighbourhood_is_understood_as_its_kommune(stack):
    """ "Grünerløkka" was refused as an unknown place (issue 13)."""
    replies = say(stack, str(uuid.uuid4()), "jeg bor på Grünerløkka og trenger hjelp med rus")
    assert any("Oslo" in reply or "Grünerløkka" in reply for reply in replies), replies
    assert not any("kjente ikke igjen" in reply for reply in replies), replies


# --- issue 13: a place to go, with its address and hours (the stack's clock: Wednesday 20:00) ---

def open_local_cards(stack, text: str, kommune: str) -> list[dict]:
    """Cards for services in `kommune` that are open now, each with its address and hours."""
    messages = exchange(stack, str(uuid.uuid4()), text)
    found = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "service_card"]
    assert found, [m.get("text") for m in messages]
    return [card for card in found
            if card["open_now"] and (card["where"] or "").startswith(kommune) and card["address"] and card["hours"]]


def test_somewhere_to_go_tonight_in_oslo_without_an_appointment(stack):
    cards = open_local_cards(stack, "trenger et sted å gå i kveld i Oslo, uten timeavtale", "Oslo")
    assert cards and all(card["hours"].startswith("åpent nå") for card in cards), cards


def test_clean_needles_in_bergen(stack):
    cards = open_local_cards(stack, "hvor får jeg rene sprøyter i Bergen", "Bergen")
    assert any("skadereduksjon" in (card["why"] or "").lower() or "sprøyte" in card["name"].lower()
               for card in cards), cards


def test_living_on_grunerlokka_gets_an_open_place_in_oslo(stack):
    assert open_local_cards(stack, "jeg bor på Grünerløkka og trenger hjelp med rus", "Oslo")
