"""What a search result shows of a service, read as plain rows.

The search chooses a handful of services from its in-memory snapshot
(search_index.py); this reads what the chat cards, the treatment list and
the staff table show of them. Core rows, not ORM objects: for ten services
a joined ORM load (six collections multiplied into one result) cost more
than choosing them (bench/search.py, "loading"). Anything that needs the
whole record, such as the HSDS export, loads the ORM `Service` by id.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services_catalog.geography import fold
from services_catalog.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceSource,
    ServiceTypeLink,
)
from services_catalog.translations import in_language


# Words an organisation's name adds that a service's name would not repeat.
_LEGAL_FORM = re.compile(r"\b(?:HF|RHF|i Norge)\b|^Stiftelsen\s+")


def names_its_organisation(name: str, organisation: str | None) -> bool:
    """The service's name already says who runs it, so a title need not add the organisation.

    "ARA poliklinikk Arendal, Sørlandet sykehus" under "Sørlandet sykehus HF, Avdeling for
    rus- og avhengighetsbehandling (ARA)" would otherwise read as the same name twice.
    """
    if not organisation:
        return True
    head = _LEGAL_FORM.sub("", organisation.split(",")[0].split(" (")[0]).strip()
    acronyms = re.findall(r"\(([A-ZÆØÅ]{2,})\)", organisation)
    return fold(head) in fold(name) or any(re.search(rf"\b{acronym}\b", name) for acronym in acronyms)


@dataclass(frozen=True)
class Listing:
    """One service as results show it: its own columns, read as on the ORM model (`listing.name`,
    `listing.drop_in`, `listing.wait_weeks`), and the few related facts a result needs."""

    columns: Row  # every column of the `service` table
    organization_name: str | None
    organization_website: str | None
    type_codes: tuple[str, ...]
    phones: tuple[str, ...]  # numbers
    schedules: tuple[Row, ...]  # `schedule` rows: opening_hours.WeeklyRule
    locations: tuple[Row, ...]  # `location` rows of its addresses
    areas: tuple[Row, ...] = ()  # `service_area` rows: whom it serves
    sources: tuple[Row, ...] = ()  # `service_source` rows, the page that shows the service exists first
    # Each number with what its page says it is for ("Inntakskontoret (spørsmål om henvisning)"), in `phones`' order.
    phone_lines: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        if name in ("columns", "locations", "areas"):  # not yet set (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.columns, name)

    def translated(self, field: str, language: str) -> str | None:
        """A free-text field as we wrote it in `language`; None where only the Norwegian exists."""
        return in_language(self.columns.translations, field, language)

    @property
    def located(self) -> bool:
        """Whether a sourced address puts it on the map (else only the areas it serves do)."""
        return any(location.latitude is not None for location in self.locations)

    @property
    def serves_fylker(self) -> bool:
        return any(area.scope == "fylke" for area in self.areas)


_IDS = bindparam("ids", expanding=True)
_SERVICES = (
    # Every column but the feed's own object, which only an export reads.
    select(*(c for c in Service.__table__.c if c.key != "hsds_original"), Organization.name.label("organization_name"),
           Organization.website.label("organization_website"))
    .outerjoin(Organization.__table__, Organization.id == Service.organization_id)
    .where(Service.id.in_(_IDS))
)
_TYPES = select(ServiceTypeLink.service_id, ServiceTypeLink.code).where(ServiceTypeLink.service_id.in_(_IDS))
_PHONES = select(Phone.service_id, Phone.number, Phone.description).where(Phone.service_id.in_(_IDS))
_SCHEDULES = select(Schedule.__table__).where(Schedule.service_id.in_(_IDS))
_AREAS = select(ServiceArea.__table__).where(ServiceArea.service_id.in_(_IDS))
_SOURCES = select(ServiceSource.__table__).where(ServiceSource.service_id.in_(_IDS)).order_by(ServiceSource.position)
_LOCATIONS = (
    select(ServiceAtLocation.service_id, Location.__table__)
    .join(Location.__table__, Location.id == ServiceAtLocation.location_id)
    .where(ServiceAtLocation.service_id.in_(_IDS))
)


def read_listings(session: Session, ids: list[str]) -> dict[str, Listing]:
    """Listings of these services by id, in seven indexed queries whatever their number."""
    if not ids:
        return {}
    database = session.connection()  # Core statements on the session's connection: no ORM work per query
    parameters = {"ids": ids}
    types = _by_service(database.execute(_TYPES, parameters), lambda row: row.code)
    phone_rows = _by_service(database.execute(_PHONES, parameters), lambda row: row)
    schedules = _by_service(database.execute(_SCHEDULES, parameters), lambda row: row)
    locations = _by_service(database.execute(_LOCATIONS, parameters), lambda row: row)
    areas = _by_service(database.execute(_AREAS, parameters), lambda row: row)
    sources = _by_service(database.execute(_SOURCES, parameters), lambda row: row)
    return {
        row.id: Listing(row, row.organization_name, row.organization_website, types[row.id],
                        tuple(phone.number for phone in phone_rows[row.id]), schedules[row.id], locations[row.id],
                        areas[row.id], sources[row.id], tuple(_phone_line(phone) for phone in phone_rows[row.id]))
        for row in database.execute(_SERVICES, parameters)
    }


def _phone_line(phone: Row) -> str:
    return f"{phone.number} ({phone.description})" if phone.description else phone.number


def _by_service(rows: Iterable[Row], value: Any) -> defaultdict[str, tuple]:
    grouped: defaultdict[str, list] = defaultdict(list)
    for row in rows:
        grouped[row.service_id].append(value(row))
    return defaultdict(tuple, {key: tuple(values) for key, values in grouped.items()})
