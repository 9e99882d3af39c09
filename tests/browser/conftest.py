"""A real headless Chromium for browser tests: Debian's, driven by Playwright.

Playwright may not download a browser here, so it launches /usr/bin/chromium
(`make chromium` installs it). The flags keep Chromium from calling home: the
machine's closed network refuses those connections and Chromium would wait.
Fixtures: `browser` (one per test module) and `page` (a fresh context per
test, so storage, permissions and cookies never leak between tests).

Why per module, not per run: while Playwright's sync API is started it marks
its event loop as running in the main thread, so every pytest-asyncio test
collected after it would fail ("Runner.run() cannot be called from a running
event loop"). Stopping it at the end of each module hands the thread back.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    if not CHROMIUM.exists():
        pytest.skip(f"No Chromium at {CHROMIUM}: `make chromium` installs Debian's (make test does it first)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser) -> Iterator["Page"]:
    context = browser.new_context(viewport=DESKTOP, locale="nb-NO")
    try:
        yield context.new_page()
    finally:
        context.close()
