"""The action server hangs, dies, or loses its catalogue mid-conversation: the person still gets 113.

One stack for the module; each test puts back what it broke, except the last,
which kills the action server for good.
"""
from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

import pytest

from tests.reliability.conftest import Running, StartStack
from harness.stack_client import health, say
from veiviser import supervisor
from veiviser.cli import main

pytestmark = pytest.mark.e2e
TURN_TIMEOUT_S = "8"
PHRASE = "tyttebærkveld"
PAGE = 4096  # SQLite's first page: the header and the schema


def assert_safety_net(replies: list[str]) -> None:
    joined = " ".join(replies)
    assert "113" in joined and "116 123" in joined, replies


def start_the_screening(stack: supervisor.Stack) -> str:
    """A conversation that has reached the question about the place (the next answer needs the actions)."""
    sender = str(uuid.uuid4())
    replies = say(stack, sender, f"sønnen min ruser seg, hva gjør jeg. {PHRASE}")
    assert any("Hvor bor du" in r for r in replies), replies
    return sender


@pytest.fixture(scope="module")
def running(start_stack: StartStack) -> Running:
    return start_stack(VEIVISER_TURN_TIMEOUT_S=TURN_TIMEOUT_S)


def test_the_catalogue_unreadable_mid_conversation(running):
    """The file is overwritten in place: the action server's pooled connections hold it open."""
    stack, directory = running
    sender = start_the_screening(stack)
    catalogue = directory / "catalogue.sqlite"
    intact = catalogue.read_bytes()
    with catalogue.open("r+b") as file:
        file.write(b"not a database".ljust(PAGE, b"\0"))
    try:
        assert_safety_net(say(stack, sender, "Bergen"))
        assert health(stack) == (503, {"model": True, "actions": True, "catalogue": False, "conversations": True})
    finally:
        catalogue.write_bytes(intact)
    assert any("Sist kontrollert" in r for r in say(stack, start_the_screening(stack), "Bergen"))


def test_the_action_server_hangs_mid_conversation(running):
    stack, _ = running
    sender = start_the_screening(stack)
    actions = stack.processes["actions"]
    os.killpg(actions.pid, signal.SIGSTOP)
    try:
        assert_safety_net(say(stack, sender, "Bergen"))
        assert health(stack)[1]["actions"] is False
    finally:
        os.killpg(actions.pid, signal.SIGCONT)
    assert any("Sist kontrollert" in r for r in say(stack, start_the_screening(stack), "Tromsø"))


def test_the_action_server_dies_mid_conversation(running, capsys):
    stack, _ = running
    sender = start_the_screening(stack)
    supervisor.stop_process(stack, "actions")
    assert_safety_net(say(stack, sender, "Bergen"))
    assert health(stack) == (503, {"model": True, "actions": False, "catalogue": True, "conversations": True})
    assert main(["health", "--rasa-port", str(stack.ports.rasa), "--actions-port", str(stack.ports.actions)]) == 1
    assert "DOWN  action server" in capsys.readouterr().out
    assert say(stack, str(uuid.uuid4()), "vennen min puster ikke")[0].startswith("Ring 113")


def test_the_faults_left_no_message_text_in_the_logs(running):
    logs = {path.name: path.read_text(errors="replace") for path in Path(running.directory).glob("*.log")}
    assert {"rasa.log", "actions.log"} <= set(logs)
    for name, text in logs.items():
        assert PHRASE not in text and "Bergen" not in text, name
