"""The chat page in a real browser when the Rasa server cannot be reached at all.

Every other failure is answered by the web channel (tests/reliability); this
one only the page can answer, with the safety net the page server takes from
the domain.
"""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from typing import Iterator

import pytest

from bot.safety_net import safety_net_text
from tests.conftest import ROOT
from veiviser.supervisor import free_port


@pytest.fixture(scope="module")
def chat_url_without_rasa() -> Iterator[str]:
    """`python -m veiviser.chat_page` pointing at a port where no Rasa server listens."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "veiviser.chat_page", "--port", str(port),
                               "--rasa-port", str(free_port())], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while server.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_page_shows_113_and_the_helplines_when_the_bot_is_unreachable(page, chat_url_without_rasa):
    page.goto(chat_url_without_rasa)
    page.get_by_label("Melding").fill("vennen min puster ikke")
    page.get_by_role("button", name="Send").click()
    answer = page.locator("#log li.bot").first
    answer.wait_for(timeout=10_000)
    assert answer.inner_text() == safety_net_text("nb")
    assert "113" in answer.inner_text() and "116 123" in answer.inner_text()
