"""The web chat widget in a real headless Chromium, against the real stack on loopback.

The action server, the Rasa server and the page server run as `make run`
starts them; the browser opens the demo page (or a host page of the test's
own, for settings such as the quick-exit address), clicks and types like a
person, and checks what a person and a screen reader would get.
"""
from __future__ import annotations

import json
import os
import re
import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, Request, expect

from harness import stack_client
from tests.conftest import ROOT
from veiviser import supervisor
from tests.support.accessibility import assert_no_wcag_violations

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
BERGEN = {"latitude": 60.3913, "longitude": 5.3221}
# Screenshots for docs/ are written only when asked: VEIVISER_UPDATE_SCREENSHOTS=1.
UPDATE_SCREENSHOTS = os.environ.get("VEIVISER_UPDATE_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def ports() -> supervisor.Ports:
    return supervisor.Ports.free()


@pytest.fixture(scope="module")
def stack(model: Path, catalogue_url: str, ports: supervisor.Ports, site: "HostSite",
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[supervisor.Stack]:
    """The stack, with the test's host site among the origins allowed to call the bot from a browser."""
    directory = tmp_path_factory.mktemp("stack")
    settings = {**stack_client.settings(directory, catalogue_url), supervisor.ORIGINS_SETTING: site.url}
    with supervisor.running(ports, model, log_dir=directory, settings=settings) as running:
        yield running


class Chat:
    """The widget as a person sees it: open it, type, click, read."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.log = page.get_by_role("log")
        self.input = page.get_by_role("textbox", name="Skriv en melding")
        self.send_button = page.get_by_role("button", name=re.compile("^(Send|Sender)"))

    def open(self) -> "Chat":
        self.page.get_by_role("button", name="Chat med Veiviser").click()
        self.wait_for_reply()
        expect(self.log).to_contain_text("Jeg er Veiviser")  # the greeting asked for on opening
        return self

    def wait_for_reply(self) -> None:
        expect(self.send_button).to_have_text("Send", timeout=30_000)

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_reply()

    def click(self, reply: str) -> None:
        self.page.get_by_role("group", name="Svaralternativer").get_by_role("button", name=reply).click()
        self.wait_for_reply()

    def cards(self):
        return self.log.get_by_role("article")


class HostSite:
    """Pages of the test's own, served over loopback by a real HTTP server: other sites that embed the widget."""

    def __init__(self, root: Path, widget_url: str) -> None:
        self.root = root
        self.widget_url = widget_url
        handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
        handler.log_message = lambda *args: None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, name: str, **data: str) -> str:
        """A page that embeds the widget with these data attributes (exit_url becomes data-exit-url)."""
        attributes = " ".join(f'data-{key.replace("_", "-")}="{value}"' for key, value in data.items())
        return self.plain(name, f'<main><h1>Vertsside</h1></main><script src="{self.widget_url}" {attributes}></script>')

    def plain(self, name: str, body: str = "<main><h1>Nøytral side</h1></main>") -> str:
        html = f'<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{name}</title></head><body>{body}</body></html>'
        (self.root / name).write_text(html, encoding="utf-8")
        return f"{self.url}/{name}"


@pytest.fixture(scope="module")
def site(ports: supervisor.Ports, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostSite]:
    host = HostSite(tmp_path_factory.mktemp("site"), f"http://127.0.0.1:{ports.web}/widget/veiviser-widget.js")
    yield host
    host.server.shutdown()


def webhook_posts(page: Page) -> list[dict]:
    """What the widget sends to the bot, as it leaves the browser."""
    sent: list[dict] = []

    def record(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/webhook"):
            sent.append(json.loads(request.post_data or "{}"))

    page.on("request", record)
    return sent


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("""() => {
        const log = document.getElementById('veiviser-widget').shadowRoot.querySelector('.vv-log');
        return {page: document.documentElement.scrollWidth, viewport: window.innerWidth,
                log: log.scrollWidth, logBox: log.clientWidth};
    }""")
    assert widths["page"] <= widths["viewport"], widths
    assert widths["log"] <= widths["logBox"], widths


def test_a_conversation_by_clicking_and_typing_ends_in_service_cards(stack, page: Page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    chat.say("hjelp")
    expect(chat.log).to_contain_text("for deg selv")
    chat.click("For meg selv")
    expect(chat.log).to_contain_text("Hvor bor du")

    chat.click("Vil ikke si")
    expect(chat.log).to_contain_text("hele landet")
    helpline = chat.cards().first
    expect(helpline.get_by_role("heading")).not_to_be_empty()
    call = helpline.get_by_role("link", name=re.compile(r"^Ring [\d ]+$"))
    digits = re.sub(r"\D", "", call.inner_text())
    expect(call).to_have_attribute("href", f"tel:+47{digits}" if len(digits) == 8 else f"tel:{digits}")
    expect(helpline.get_by_role("link", name=re.compile("kart"))).to_have_count(0)  # a helpline has no place

    chat.say("jeg bor i Bergen")
    expect(chat.log).to_contain_text("Dette fant jeg nær Bergen")
    bergen = chat.cards().filter(has_text="Bergen kommune").first
    expect(bergen.get_by_role("heading")).to_contain_text("Bergen")
    expect(bergen).to_contain_text("Sist kontrollert")
    map_link = bergen.get_by_role("link", name=re.compile("på kart"))
    expect(map_link).to_have_attribute("href", re.compile(r"^https://www\.openstreetmap\.org/.*60\.\d+/5\.\d+"))
    expect(map_link).to_have_attribute("target", "_blank")
    # The card's text version was replaced by the drawn card, not shown twice.
    expect(chat.log.locator(".vv-bot", has_text="Sist kontrollert")).to_have_count(0)

    chat.click("Under 18")  # a narrowing button that finds something in Bergen (others are not offered)
    expect(chat.log).to_contain_text("rusinfo.no")


def test_not_breathing_gets_first_aid_and_a_large_call_button_then_the_next_step(stack, page: Page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    chat.say("han puster ikke")
    expect(chat.log).to_contain_text("start hjerte-lunge-redning (HLR)")
    expect(chat.log).to_contain_text("nalokson")
    call = chat.log.get_by_role("link", name="Ring 113")
    expect(call).to_have_attribute("href", "tel:113")
    box = call.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 200, box  # a thumb finds it at once
    chat.say("ambulansen er på veg, kva gjer eg no?")
    expect(chat.log).to_contain_text("Hald fram med HLR utan pause")  # asked in nynorsk, answered in nynorsk
    expect(chat.log.get_by_role("link", name="Ring 113")).to_have_count(2)


def test_use_my_location_finds_help_where_the_phone_is(stack, browser):
    context = browser.new_context(viewport=DESKTOP, locale="nb-NO", geolocation=BERGEN,
                                  permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(stack.web_url)
        chat = Chat(page).open()
        sent = webhook_posts(page)
        chat.say("sønnen min ruser seg, hva gjør jeg")
        expect(chat.log).to_contain_text("Hvor bor du")
        page.get_by_role("button", name="Bruk posisjonen min").click()
        chat.wait_for_reply()
        expect(chat.log).to_contain_text("Delte posisjonen min")
        expect(chat.log).to_contain_text("Dette fant jeg nær Bergen")
        expect(chat.cards().filter(has_text="Hvor").first).to_contain_text("Bergen")
        assert sent[-1]["message"] == '/inform_location{"latitude":60.391,"longitude":5.322}', sent  # ~100 m
    finally:
        context.close()


def test_slett_samtalen_clears_the_view_and_starts_a_new_conversation(stack, page: Page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    chat.say("trenger avrusning")
    before = page.evaluate("sessionStorage.getItem('veiviser-sender')")
    forgets: list[Request] = []
    page.on("request", lambda r: forgets.append(r) if r.url.endswith("/forget") else None)

    chat.input.fill("et utkast jeg ikke sendte")
    page.get_by_role("button", name="Slett samtalen").click()
    # The web channel deleted it from the tracker store, and the person is told so.
    expect(page.get_by_role("status")).to_contain_text("også på serveren")
    expect(chat.log).to_be_empty()
    expect(chat.input).to_have_value("")
    after = page.evaluate("sessionStorage.getItem('veiviser-sender')")
    assert after and after != before
    assert json.loads(forgets[0].post_data) == {"sender": before}
    assert page.evaluate("localStorage.length") == 0  # the conversation never lands in the browser
    # The new conversation is really new: the bot asks from the start.
    chat.say("hjelp")
    expect(chat.log).to_contain_text("for deg selv")


def test_slett_samtalen_says_so_when_the_server_could_not_delete_it(stack, page: Page):
    """The store is down (503 from /forget, played here by a route): the person is told plainly what did not happen."""
    page.route(f"{stack.rasa_url}/webhooks/web/forget", lambda route: route.fulfill(
        status=503, content_type="application/json", body="[]"))
    page.goto(stack.web_url)
    Chat(page).open()
    page.get_by_role("button", name="Slett samtalen").click()
    expect(page.get_by_role("status")).to_contain_text("kan ikke slette den gamle samtalen")


def test_quick_exit_button_leaves_at_once_and_forgets_the_session(stack, site, page: Page):
    start, left = site.plain("start.html"), site.plain("neutral.html")
    page.goto(start)
    page.goto(site.page("exit.html", server=stack.rasa_url, exit_url=left))
    Chat(page).open()
    assert page.evaluate("sessionStorage.getItem('veiviser-sender')")

    page.get_by_role("button", name=re.compile("Forlat siden")).click()
    page.wait_for_url(left)
    assert page.evaluate("sessionStorage.getItem('veiviser-sender')") is None
    page.go_back()
    assert page.url == start  # the page with the chat is gone from the history


def test_escape_twice_leaves_at_once(stack, site, page: Page):
    left = site.plain("neutral.html")
    page.goto(site.page("escape.html", server=stack.rasa_url, exit_url=left))
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(left)


def test_an_english_page_gets_english_labels_and_english_cards(stack, site, page: Page):
    page.goto(site.page("english.html", server=stack.rasa_url, lang="en"))
    page.get_by_role("button", name="Chat with Veiviser").click()
    log = page.get_by_role("log", name="Conversation with Veiviser")
    expect(log).to_contain_text("Jeg er Veiviser")  # the bot speaks bokmål until it sees English
    page.get_by_role("textbox", name="Write a message").fill("I need help with heroin in Oslo")
    page.get_by_role("button", name="Send").click()
    expect(log).to_contain_text("This is what I found near Oslo", timeout=30_000)
    expect(log.get_by_role("article").first).to_contain_text("Last checked")
    expect(page.get_by_role("button", name="Delete the conversation")).to_be_visible()


FOCUSED = """() => {
    const inner = document.getElementById('veiviser-widget').shadowRoot.activeElement;
    if (!inner) return document.activeElement.textContent.trim();
    return inner.getAttribute('aria-label') || inner.textContent.trim() || inner.tagName;
}"""


def test_keyboard_alone_reaches_everything_in_order(stack, page: Page):
    page.goto(stack.web_url)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == "Chat med Veiviser":
            break
    page.keyboard.press("Enter")
    chat = Chat(page)
    chat.wait_for_reply()
    assert page.evaluate(FOCUSED) == "TEXTAREA"  # opening puts the cursor in the message box
    page.keyboard.type("hjelp")
    page.keyboard.press("Enter")
    chat.wait_for_reply()
    expect(chat.log).to_contain_text("for deg selv")

    order = []
    for _ in range(20):
        page.keyboard.press("Tab")
        order.append(page.evaluate(FOCUSED))
    expected = ["Send", "Forlat siden raskt. Du kan også trykke Esc to ganger.", "Lukk chatten", "113",
                "Samtale med Veiviser", "For meg selv", "Vil ikke si", "Bruk posisjonen min", "Slett samtalen",
                "TEXTAREA"]
    at = -1
    for name in expected:  # each in turn, after the one before
        assert name in order[at + 1:], (name, order)
        at = order.index(name, at + 1)

    while page.evaluate(FOCUSED) != "For meg selv":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    chat.wait_for_reply()
    expect(chat.log).to_contain_text("Hvor bor du")
    # Focus is not lost when the pressed button goes away: it moves to the answer, and not to the
    # message box, which on a phone would raise the keyboard over the results.
    assert page.evaluate(FOCUSED).startswith("Veiviser: Hvor bor du")


def test_bot_messages_are_announced_in_a_live_region(stack, page: Page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    expect(chat.log).to_have_attribute("aria-live", "polite")
    chat.say("hjelp")
    # The reply is inside the live region, and a screen reader hears who said it.
    expect(chat.log.locator(".vv-bot").last).to_contain_text("Veiviser: Er det for deg selv")
    expect(chat.log.locator(".vv-user").last).to_contain_text("Du: hjelp")


def test_bot_text_is_shown_as_text_never_as_html(stack, page: Page):
    page.goto(stack.web_url)
    Chat(page).open()
    page.evaluate("""VeiviserWidget.renderReplies([
        {text: '<img src=x onerror="window.pwned = 1">hei'},
        {text: 'kort'},
        {custom: {type: 'service_card', name: '<b onmouseover=alert(1)>Navn</b>', phones: ['<script>'],
                  website: 'javascript:window.pwned=2', summary: '<iframe src=x></iframe>'}}])""")
    widget = "document.getElementById('veiviser-widget').shadowRoot"
    assert page.evaluate(f"{widget}.querySelectorAll('img, b, iframe, script').length") == 0
    assert page.evaluate("window.pwned") is None
    log = page.get_by_role("log")
    expect(log).to_contain_text('<img src=x onerror="window.pwned = 1">hei')
    expect(log.get_by_role("heading", level=3)).to_have_text("<b onmouseover=alert(1)>Navn</b>")
    hrefs = page.evaluate(f"[...{widget}.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert not any(href.startswith("javascript:") for href in hrefs), hrefs


def test_a_pin_only_on_a_verified_address(stack, page: Page):
    page.goto(stack.web_url)
    Chat(page).open()
    page.evaluate("""VeiviserWidget.renderReplies([
        {custom: {type: 'service_card', name: 'Verifisert', address: 'Storgata 1, 5015 Bergen',
                  point: {lat: 60.39, lon: 5.32, exact: true}}},
        {custom: {type: 'service_card', name: 'Bare kommunen', point: {lat: 60.39, lon: 5.32, exact: false}}}])""")
    verified, area = page.get_by_role("article").filter(has_text="Verifisert"), page.get_by_role("article").last
    expect(verified).to_contain_text("Storgata 1, 5015 Bergen")
    expect(verified.get_by_role("link", name=re.compile("^Vis på kart"))).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=60.39000&mlon=5.32000#map=17/60.39000/5.32000")
    expect(area.get_by_role("link", name=re.compile("^Vis området på kart"))).to_have_attribute(
        "href", "https://www.openstreetmap.org/#map=12/60.39000/5.32000")
    expect(area).to_contain_text("Adressen er ikke bekreftet.")


def test_when_the_bot_cannot_be_reached_113_is_shown_and_nothing_typed_is_lost(site, page: Page):
    page.goto(site.page("offline.html", server=f"http://127.0.0.1:{supervisor.free_port()}"))
    page.get_by_role("button", name="Chat med Veiviser").click()
    chat = Chat(page)
    chat.wait_for_reply()
    chat.say("kameraten min har tatt en overdose")
    notice = chat.log.locator(".vv-notice").last
    expect(notice).to_contain_text("ring 113")
    expect(notice.get_by_role("link", name="113")).to_have_attribute("href", "tel:113")
    expect(notice.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    expect(chat.input).to_have_value("kameraten min har tatt en overdose")
    expect(page.get_by_role("alert")).to_contain_text("ikke sendt")


def test_bad_input_gets_a_clear_error_and_loses_nothing(stack, page: Page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    sent = webhook_posts(page)

    chat.input.fill("   \n  ")
    chat.input.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Skriv en melding før du sender.")
    expect(chat.input).to_have_attribute("aria-invalid", "true")

    long_text = "hjelp " * 17_000  # about 100 KB
    chat.input.fill(long_text)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("for lang")
    assert chat.input.input_value() == long_text
    assert sent == []

    chat.input.fill("trenger\u0007 hjelp\u202e\u0000")
    chat.input.press("Enter")
    chat.wait_for_reply()
    expect(page.get_by_role("status")).to_contain_text("kontrolltegn ble fjernet")
    assert sent[-1]["message"] == "trenger hjelp"
    expect(chat.input).to_have_value("")  # sent and answered, so the box is emptied
    expect(page.locator("#vv-error")).to_be_empty()


@pytest.mark.parametrize("name, viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_layout_fits_and_passes_wcag_21_aa(stack, browser, name, viewport, tmp_path):
    context = browser.new_context(viewport=viewport, locale="nb-NO")
    page = context.new_page()
    try:
        page.goto(stack.web_url)
        assert_no_wcag_violations(page)  # the host page with the closed widget
        chat = Chat(page).open()
        chat.say("jeg trenger hjelp med rusen min, bor i Bergen")
        expect(chat.cards().first).to_be_visible()
        assert_no_horizontal_scroll(page)
        assert_no_wcag_violations(page)  # open, with messages, cards and quick replies

        # Show the answer from its start: the user's question, the intro and the first card.
        chat.log.locator(".vv-user").last.evaluate(
            "bubble => { bubble.parentElement.scrollTop = bubble.offsetTop - bubble.parentElement.offsetTop; }")
        shot = tmp_path / f"widget-{name}.png"
        page.screenshot(path=str(shot))
        if UPDATE_SCREENSHOTS:
            shutil.copy(shot, ROOT / "docs" / shot.name)
    finally:
        context.close()


def visible_share(page: Page, selector: str) -> float:
    """How much of the first element matching `selector` in the chat is inside the message area (0 to 1)."""
    return page.evaluate("""selector => {
        const root = document.getElementById('veiviser-widget').shadowRoot;
        const log = root.querySelector('.vv-log').getBoundingClientRect();
        const box = root.querySelector(selector).getBoundingClientRect();
        const seen = Math.min(box.bottom, log.bottom) - Math.max(box.top, log.top);
        return Math.max(0, seen) / Math.min(box.height, log.height);
    }""", selector)


def test_a_results_turn_is_shown_from_its_first_message_on_a_phone(stack, page_sized):
    page = page_sized(PHONE)
    page.goto(stack.web_url)
    chat = Chat(page).open()
    chat.say("jeg trenger hjelp med rusen min, bor i Bergen")
    expect(chat.cards().first).to_be_visible()
    intro = chat.log.locator(".vv-bot", has_text="Dette fant jeg nær Bergen")
    intro.evaluate("node => node.classList.add('vv-probe')")
    assert visible_share(page, ".vv-probe") == 1.0, "the answer's first message is in view"
    assert page.evaluate(FOCUSED) == "TEXTAREA"  # typed: the cursor stays for the next message


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("label", ["Forlat siden raskt. Du kan også trykke Esc to ganger.", "Lukk chatten"])
def test_the_focus_ring_in_the_header_has_3_to_1_contrast(stack, page: Page, label):
    page.goto(stack.web_url)
    Chat(page).open()
    while page.evaluate(FOCUSED) != label:
        page.keyboard.press("Shift+Tab")
    ring, around = page.evaluate("""() => {
        const button = document.getElementById('veiviser-widget').shadowRoot.activeElement;
        const head = button.closest('.vv-head');
        return [getComputedStyle(button).outlineColor, getComputedStyle(head).backgroundColor];
    }""")
    assert contrast(ring, around) >= 3, (ring, around)


def test_focus_stays_inside_the_full_screen_chat_on_a_phone(stack, page_sized):
    page = page_sized(PHONE)
    page.goto(stack.web_url)
    Chat(page).open()
    for key in ["Tab"] * 25 + ["Shift+Tab"] * 25:
        page.keyboard.press(key)
        inside = page.evaluate("() => !!document.getElementById('veiviser-widget').shadowRoot.activeElement")
        assert inside, f"focus left the chat after {key}"


@pytest.mark.parametrize("viewport", [{"width": 640, "height": 400}, {"width": 320, "height": 568}],
                         ids=["desktop-at-200-percent-zoom", "small-phone"])
def test_messages_get_at_least_half_the_screen(stack, page_sized, viewport):
    page = page_sized(viewport)
    page.goto(stack.web_url)
    Chat(page).open()
    height = page.evaluate("""() => document.getElementById('veiviser-widget').shadowRoot
        .querySelector('.vv-log').getBoundingClientRect().height""")
    assert height >= viewport["height"] / 2, f"message area {height:.0f} px of {viewport['height']}"


def test_meld_feil_on_a_card_asks_what_is_wrong_and_notes_it(stack, page: Page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    chat.say("jeg trenger hjelp med rusen min, bor i Bergen")
    first = chat.cards().first
    name = first.get_by_role("heading").inner_text()
    first.get_by_role("button", name=f"Meld feil: {name}").click()
    chat.wait_for_reply()
    expect(chat.log).to_contain_text(f"Hva er feil med {name}?")
    chat.click("Det er lagt ned")
    expect(chat.log).to_contain_text("Takk. Jeg har notert")


def test_the_number_does_not_work_after_results_is_understood_as_a_report(stack, page: Page):
    page.goto(stack.web_url)
    chat = Chat(page).open()
    chat.say("jeg trenger hjelp med rusen min, bor i Bergen")
    expect(chat.cards().first).to_be_visible()
    chat.say("nummeret virker ikke")
    expect(chat.log).to_contain_text("Hvilket tilbud er det som er feil?")
    chat.click(chat.cards().first.get_by_role("heading").inner_text())
    expect(chat.log).to_contain_text("Takk. Jeg har notert")
