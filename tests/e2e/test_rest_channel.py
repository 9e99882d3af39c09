"""The real stack on free loopback ports: action server, Rasa server, chat page."""
from __future__ import annotations

import json
import socket
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from veiviser import supervisor

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def stack(model: Path, catalogue_url: str, tmp_path_factory, monkeypatch_module) -> Iterator[supervisor.Stack]:
    monkeypatch_module.setenv("VEIVISER_CATALOG_URL", catalogue_url)
    logs = tmp_path_factory.mktemp("logs")
    ports = supervisor.Ports(rasa=free_port(), actions=free_port(), web=free_port())
    with supervisor.running(ports, model, log_dir=logs) as running:
        yield running


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def say(stack: supervisor.Stack, sender: str, text: str) -> list[str]:
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return [m.get("text", "") for m in json.load(response)]


def test_thin_slice(stack):
    sender = str(uuid.uuid4())
    assert "Veiviser" in say(stack, sender, "hei")[0]
    replies = say(stack, sender, "jeg trenger hjelp med rusen min, bor i Bergen")
    assert "Bergen" in replies[0]
    cards = [r for r in replies if "Sist kontrollert" in r]
    assert cards, replies
    assert all("Hvor: Bergen" in card or "Hvor: Norge" in card for card in cards), cards
    assert "915 08588" in replies[-1]


def test_a_place_inside_a_kommune_gets_a_distance(stack):
    replies = say(stack, str(uuid.uuid4()), "trenger hjelp med rusen, bor på Nesttun")
    assert any("Hvor: Bergen, ≈" in r and "km" in r for r in replies), replies


def test_overdose_gets_113_first_even_mid_conversation(stack):
    sender = str(uuid.uuid4())
    say(stack, sender, "trenger hjelp med rus")
    replies = say(stack, sender, "vennen min puster ikke")
    assert replies[0].startswith("Ring 113"), replies


def test_chat_page_is_served(stack):
    with urllib.request.urlopen(stack.web_url, timeout=10) as response:
        assert "Veiviser" in response.read().decode()
    with urllib.request.urlopen(f"{stack.web_url}/config.js", timeout=10) as response:
        assert str(stack.ports.rasa) in response.read().decode()
