"""A card as data (for the web widget): a pin only where the address is verified."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from actions.cards import MISSING, card_payload, card_values
from services_catalog.db import session_factory
from services_catalog.listing import Listing, read_listings
from services_catalog.models import Location, Phone, Service, ServiceArea, ServiceAtLocation, ServiceSource
from services_catalog.search import Match

VALUES = {"name": "Rusteamet", "summary": MISSING, "why": "Kommunens rustjeneste", "access": MISSING,
          "hours": "åpent nå, til kl. 15:30", "contact": "55 00 00 00", "where": "Bergen, 0.4 km",
          "source": "bergen.kommune.no, oppdatert 01.10.2026", "verified": "22.11.2026"}


@pytest.fixture
def service_with_two_addresses(empty_catalogue_url: str) -> Listing:
    service = Service(id="s1", name="Rusteamet", source="test", assured_date=date(2026, 11, 22), url=None)
    service.phones = [Phone(id="p1", number="55 00 00 00")]
    service.sources = [ServiceSource(id="k1", position=0, url="https://www.bergen.kommune.no/rusteamet",
                                     page_date=date(2026, 10, 1), checked=date(2026, 11, 22))]
    service.service_at_locations = [
        ServiceAtLocation(id=f"l{i}", location=Location(id=f"loc{i}", latitude=lat, longitude=lon,
                                                        address_1=street, postal_code=code, city="Bergen"))
        for i, (lat, lon, street, code) in enumerate([(60.39, 5.32, "Storgata 1", "5015"),
                                                      (60.35, 5.36, "Nesttunvegen 2", "5221")])
    ]
    with session_factory(empty_catalogue_url)() as session:
        session.add(service)
        session.commit()
        return read_listings(session, ["s1"])["s1"]


def match(service: Listing, point, approximate: bool, national: bool = False) -> Match:
    return Match(service, 0.4, approximate, True, national, "Bergen", True, point)


def test_a_verified_address_gets_its_own_street_and_an_exact_point(service_with_two_addresses):
    data = card_payload(match(service_with_two_addresses, (60.35, 5.36), approximate=False), VALUES, "nb")
    assert data["address"] == "Nesttunvegen 2, 5221 Bergen"  # the location that was matched, not the first
    assert data["point"] == {"lat": 60.35, "lon": 5.36, "exact": True}
    assert data["phones"] == ["55 00 00 00"] and data["verified"] == "2026-11-22"
    assert data["summary"] is None and data["access"] is None  # "–" in the text is null in the data
    assert data["open_now"] is True and data["language"] == "nb"


def test_a_postcode_centre_keeps_its_sourced_street_but_is_marked_not_exact(service_with_two_addresses):
    data = card_payload(match(service_with_two_addresses, (60.39, 5.32), approximate=True), VALUES, "en")
    assert data["address"] == "Storgata 1, 5015 Bergen"
    assert data["point"] == {"lat": 60.39, "lon": 5.32, "exact": False}
    assert data["language"] == "en"


def test_a_kommune_centre_standing_in_for_an_area_has_no_address(service_with_two_addresses):
    assert card_payload(match(service_with_two_addresses, (60.30, 5.30), approximate=True), VALUES, "nb")["address"] is None


def test_a_national_service_has_no_point(service_with_two_addresses):
    assert card_payload(match(service_with_two_addresses, (60.39, 5.32), False, national=True),
                        VALUES, "nb")["point"] is None


def test_the_card_cites_the_page_its_facts_come_from(service_with_two_addresses):
    data = card_payload(match(service_with_two_addresses, (60.35, 5.36), approximate=False), VALUES, "nb")
    assert data["source"] == VALUES["source"] and data["source_url"] == "https://www.bergen.kommune.no/rusteamet"


@pytest.fixture
def regional_service_without_address(empty_catalogue_url: str) -> Listing:
    service = Service(id="r1", name="Avrusning, regionalt", source="", assured_date=date(2026, 11, 22))
    service.service_areas = [ServiceArea(id="a1", uri="urn:ssb:fylke:55", scope="fylke", code="55", name="Troms")]
    service.sources = [ServiceSource(id="k2", position=0, url="https://helse-nord.no/x", checked=date(2026, 11, 22))]
    with session_factory(empty_catalogue_url)() as session:
        session.add(service)
        session.commit()
        return read_listings(session, ["r1"])["r1"]


def test_a_service_known_only_by_the_fylker_it_serves_is_not_placed_in_the_users_kommune(
        regional_service_without_address):
    from actions.cards import card_values
    from conversation.texts import DOMAIN_DIR
    from rasa.shared.core.domain import Domain
    from datetime import datetime, timezone

    found = Match(regional_service_without_address, 0.0, True, True, False, "Tromsø", None, (69.65, 18.96))
    assert found.placed_by_area
    domain = Domain.load(str(DOMAIN_DIR)).as_dict()
    values = card_values(found, domain, "nb", [], datetime(2026, 12, 3, 12, tzinfo=timezone.utc))
    assert values["where"] == "dekker Troms; adresse ikke oppgitt"
    assert values["source"] == "helse-nord.no (siden er ikke datert)"
    assert card_payload(found, values, "nb")["point"] is None


def test_a_single_address_without_a_postcode_is_still_shown(empty_catalogue_url: str):
    """A page may give the street but no postcode: no point can be placed, the address is still sourced."""
    service = Service(id="u1", name="Sprøyterom", source="", assured_date=date(2026, 11, 22))
    service.service_at_locations = [ServiceAtLocation(id="ul", location=Location(id="uloc", address_1="Eksempelveien 1",
                                                                                 city="Bergen"))]
    with session_factory(empty_catalogue_url)() as session:
        session.add(service)
        session.commit()
        listing = read_listings(session, ["u1"])["u1"]
    assert card_payload(match(listing, (60.39, 5.32), approximate=True), VALUES, "nb")["address"] == "Eksempelveien 1, Bergen"


@pytest.fixture
def service_in_two_languages(empty_catalogue_url: str) -> tuple[Listing, Listing]:
    """One record written in English too, one only in Norwegian; both drop-in, with an application text."""
    services = [
        Service(id="t1", name="Kafé", source="test", description="Et sted å være.", drop_in=True,
                application_process="Bare kom.", translations={"en": {"description": "A place to be."}}),
        Service(id="t2", name="Kafé to", source="test", description="Et annet sted.", drop_in=True),
    ]
    with session_factory(empty_catalogue_url)() as session:
        session.add_all(services)
        session.commit()
        listings = read_listings(session, ["t1", "t2"])
        return listings["t1"], listings["t2"]


def test_an_english_card_shows_our_english_and_says_which_text_is_norwegian(service_in_two_languages, domain):
    translated, norwegian_only = service_in_two_languages
    when = datetime(2026, 12, 3, 12, tzinfo=timezone.utc)
    first = card_values(match(translated, None, True), domain, "en", ["drop-in"], when)
    second = card_values(match(norwegian_only, None, True), domain, "en", ["drop-in"], when)
    assert first["summary"] == "A place to be."
    assert first["access"] == "No appointment needed. (in Norwegian) Bare kom."
    assert second["summary"] == "(in Norwegian) Et annet sted."
    assert second["why"] == "no appointment needed"


@pytest.mark.parametrize("language, access", [("nb", "Uten timeavtale. Bare kom."), ("nn", "Utan timeavtale. Bare kom.")])
def test_a_norwegian_card_shows_the_norwegian_unmarked(service_in_two_languages, domain, language, access):
    translated, _ = service_in_two_languages
    values = card_values(match(translated, None, True), domain, language, ["drop-in"], datetime(2026, 12, 3, 12, tzinfo=timezone.utc))
    assert values["summary"] == "Et sted å være." and values["access"] == access
