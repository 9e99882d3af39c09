"""A real headless Chromium (Debian's) driven by Playwright; no browser is downloaded at run time."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# The machine's closed network refuses Chromium's background connections; these keep it quiet.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Per module, not per session: sync Playwright keeps an event loop running in the main thread
    while it is open, and pytest-asyncio cannot run the async tests of later modules beside it."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (the Makefile's test set-up does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_sized(browser) -> Iterator:
    """A page of a given viewport, {"width": .., "height": ..}: a phone, or a desktop at 200 % zoom."""
    contexts = []

    def make(viewport: dict[str, int]):
        context = browser.new_context(viewport=viewport, locale="nb-NO", timezone_id="Europe/Oslo")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
