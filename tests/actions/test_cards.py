"""A card as data (for the web widget): a pin only where the address is verified."""
from __future__ import annotations

from datetime import date

import pytest

from actions.cards import MISSING, card_payload
from services_catalog.db import session_factory
from services_catalog.listing import Listing, read_listings
from services_catalog.models import Location, Phone, Service, ServiceAtLocation
from services_catalog.search import Match

VALUES = {"name": "Rusteamet", "summary": MISSING, "why": "Kommunens rustjeneste", "access": MISSING,
          "hours": "åpent nå, til kl. 15:30", "contact": "55 00 00 00", "where": "Bergen, 0.4 km",
          "verified": "22.11.2026"}


@pytest.fixture
def service_with_two_addresses(empty_catalogue_url: str) -> Listing:
    service = Service(id="s1", name="Rusteamet", source="test", assured_date=date(2026, 11, 22), url=None)
    service.phones = [Phone(id="p1", number="55 00 00 00")]
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


def test_a_kommune_centre_is_marked_not_exact_and_has_no_address(service_with_two_addresses):
    data = card_payload(match(service_with_two_addresses, (60.39, 5.32), approximate=True), VALUES, "en")
    assert data["address"] is None
    assert data["point"] == {"lat": 60.39, "lon": 5.32, "exact": False}
    assert data["language"] == "en"


def test_a_national_service_has_no_point(service_with_two_addresses):
    assert card_payload(match(service_with_two_addresses, (60.39, 5.32), False, national=True),
                        VALUES, "nb")["point"] is None
