"""Listings (what results show) say what the full records say, for every service shipped."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services_catalog.db import session_factory
from services_catalog.listing import names_its_organisation, read_listings
from services_catalog.models import Service


def test_every_shipped_service_is_listed_as_its_record_says(catalogue_url: str) -> None:
    with session_factory(catalogue_url)() as session:
        records = session.scalars(select(Service)).all()
        listings = read_listings(session, [record.id for record in records])
        assert len(listings) == len(records) > 0
        for record in records:
            listing = listings[record.id]
            assert (listing.name, listing.assured_date, listing.source, listing.drop_in, listing.wait_weeks) == (
                record.name, record.assured_date, record.source, record.drop_in, record.wait_weeks)
            assert listing.organization_name == (record.organization.name if record.organization else None)
            assert listing.organization_website == (record.organization.website if record.organization else None)
            assert sorted(listing.type_codes) == sorted(record.type_codes)
            assert sorted(listing.phones) == sorted(phone.number for phone in record.phones)
            assert sorted(((s.byday, s.opens_at, s.closes_at) for s in listing.schedules), key=str) == sorted(
                ((s.byday, s.opens_at, s.closes_at) for s in record.schedules), key=str)
            assert sorted(location.id for location in listing.locations) == sorted(
                link.location.id for link in record.service_at_locations)


def test_unknown_and_no_ids_list_nothing(catalogue_url: str) -> None:
    with session_factory(catalogue_url)() as session:
        assert read_listings(session, []) == {}
        assert read_listings(session, ["no-such-service"]) == {}


@pytest.mark.parametrize(("name", "organisation", "named"), [
    ("Ruspoliklinikken (UNN)", "Universitetssykehuset Nord-Norge HF (UNN)", True),  # issue 18 item 7
    ("ARA poliklinikk Arendal, Sørlandet sykehus",
     "Sørlandet sykehus HF, Avdeling for rus- og avhengighetsbehandling (ARA)", True),
    ("Kirkens SOS", "Kirkens SOS i Norge", True),
    ("CRUX Kalfaret behandlingssenter", "Stiftelsen CRUX", True),
    ("Uteseksjonen", "Oslo kommune", False),
    ("Ruspoliklinikken, UNN Tromsø", "Universitetssykehuset Nord-Norge HF", False),
])
def test_a_title_adds_the_organisation_only_when_the_name_does_not_say_it(name, organisation, named):
    assert names_its_organisation(name, organisation) is named
