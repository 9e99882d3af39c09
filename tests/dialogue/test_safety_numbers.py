"""Every phone number the bot says must be a catalogue record with a source."""
from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import select

from services_catalog.db import open_session
from services_catalog.models import Phone
from tests.conftest import ROOT
from tests.support.phones import phone_numbers

def numbers_in_domain() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        for variants in (yaml.safe_load(path.read_text()).get("responses") or {}).values():
            for variant in variants:
                found |= phone_numbers(variant.get("text", ""))
    return found


@pytest.fixture
def catalogue_numbers(catalogue) -> set[str]:
    with open_session() as session:
        return {p.number.replace(" ", "") for p in session.scalars(select(Phone))}


def test_every_number_in_the_replies_is_in_the_catalogue(catalogue_numbers):
    said = numbers_in_domain()
    assert {"113", "116123", "22400040"} <= said
    missing = said - catalogue_numbers
    assert not missing, f"numbers said by the bot but not in the catalogue: {missing}"


# The widget's offline text, in each language: `offlineHelp: "..." + "..."`.
OFFLINE_HELP = re.compile(r'offlineHelp:\s*((?:"[^"]*"\s*\+?\s*)+)')


def widget_offline_texts() -> list[str]:
    source = (ROOT / "web" / "widget" / "veiviser-widget.js").read_text(encoding="utf-8")
    return ["".join(re.findall(r'"([^"]*)"', value)) for value in OFFLINE_HELP.findall(source)]


def test_the_widget_offline_fallback_only_gives_catalogued_numbers(catalogue_numbers):
    """The widget shows these when the server cannot be reached, so they must be right too."""
    texts = widget_offline_texts()
    assert len(texts) == 3, texts  # bokmål, nynorsk and English
    for text in texts:
        said = phone_numbers(text)
        assert {"113", "116123", "22400040"} <= said, text
        assert said <= catalogue_numbers, said - catalogue_numbers
