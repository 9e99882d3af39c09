"""The staff page in a real browser: type a kommune, tick a type, search, read the list, print it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Iterator

import pytest

from services_catalog.reports import REPORTS_URL_SETTING
from tests.support.accessibility import assert_no_wcag_violations
from tests.conftest import ROOT
from veiviser import supervisor


@pytest.fixture(scope="module")
def staff_url(catalogue_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m staff_web` as its own process, as `veiviser run` starts it."""
    copy = tmp_path_factory.mktemp("staff") / "catalogue.sqlite"
    shutil.copy(catalogue_url.removeprefix("sqlite:///"), copy)
    port = supervisor.free_port()
    reports = f"sqlite:///{copy.parent / 'reports.sqlite'}"
    server = subprocess.Popen(
        [sys.executable, "-m", "staff_web", "--port", str(port), "--url", f"sqlite:///{copy}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, REPORTS_URL_SETTING: reports},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        supervisor.wait_until_up(url + "/openapi.json", server, "staff lookup")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_staff_find_lar_in_bergen_and_print_the_list(page, staff_url):
    page.goto(staff_url)
    page.get_by_label("Kommune, sted eller postnummer").fill("Bergen")
    page.get_by_role("group", name="Type tjeneste").get_by_label("LAR (legemiddelassistert rehabilitering)").check()
    page.get_by_role("button", name="Søk").click()
    page.wait_for_url("**/?place=Bergen*type=lar*")

    heading = page.get_by_role("heading", level=2)
    assert "for Bergen" in heading.inner_text()
    cards = page.locator("li.card")
    assert cards.count() >= 1
    first = cards.first
    assert "LAR" in first.locator(".tag.wanted").inner_text()
    assert "Sist kontrollert" in first.locator(".source").inner_text()
    # The form remembers what was asked.
    assert page.get_by_label("Kommune, sted eller postnummer").input_value() == "Bergen"
    assert page.get_by_role("group", name="Type tjeneste").get_by_label("LAR (legemiddelassistert rehabilitering)").is_checked()

    page.emulate_media(media="print")
    assert page.locator("form.lookup").is_hidden()
    assert first.is_visible() and heading.is_visible()
    page.emulate_media(media="screen")
    assert page.locator("form.lookup").is_visible()


def test_an_unknown_place_offers_the_right_one(page, staff_url):
    page.goto(staff_url)
    page.get_by_label("Kommune, sted eller postnummer").fill("Trmoso")
    page.get_by_role("button", name="Søk").click()
    alert = page.get_by_role("alert")
    assert "Trmoso" in alert.inner_text()
    alert.get_by_role("link", name="Tromsø").click()
    assert "for Tromsø" in page.get_by_role("heading", level=2).inner_text()


def test_on_a_phone_the_answer_is_in_view_after_searching(page_sized, staff_url):
    """Issue 18: under a 1,300 px form, "Søk" seemed to do nothing on a phone."""
    page = page_sized({"width": 390, "height": 844})
    page.goto(staff_url)
    page.get_by_label("Kommune, sted eller postnummer").fill("Kristiansnad")
    page.get_by_role("button", name="Søk").click()
    heading = page.get_by_role("heading", level=2)
    assert "for Kristiansand" in heading.inner_text()
    box = heading.bounding_box()
    assert box and box["y"] + box["height"] <= 844, box  # on the first screen, no scrolling
    assert "Du skrev «Kristiansnad»" in page.locator(".results").inner_text()
    assert page.get_by_label("Kommune, sted eller postnummer").input_value() == "Kristiansand"
    assert_no_wcag_violations(page)
