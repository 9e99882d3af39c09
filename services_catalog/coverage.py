"""Where the catalogue leaves people without help: per service type and kommune, what is within reach.

For each of the 357 kommuner and each service type, a person there gets:

- `local`: a service with a phone number that is in the kommune (its address)
  or serves it by name (a kommune area);
- `regional`: none local, but one with a phone whose address is within
  `km` of the kommune's centre, or that serves the kommune's whole fylke;
- `national`: only nationwide services with a phone;
- `none`: nothing with a phone at all.

Only services with a phone count: a record nobody can call or find is not
help yet. The specialised-treatment check of issue 12 is separate: whether
each kommune has, for avrusning, LAR and TSB outpatient care, a place with a
phone in its own health region (the right to choose a place nationwide
notwithstanding, that is where referrals go first).

The local targets of issue 13 are counted apart (`LocalTargets`), over every
record with a source, phone or not, since a kommune's page may give none:
a sourced entry point of the kommune's own in each of the largest kommuner,
weekly opening hours for a low-threshold place in each of the largest towns,
and a relatives' service with a phone in every fylke.

Population shares, and which kommuner are the largest, use kommuner.csv's
`size` (people in the kommune's GeoNames towns): an approximation, said so
wherever it is shown.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from geopy.distance import great_circle
from sqlalchemy import select
from sqlalchemy.orm import Session

from services_catalog.geography import Gazetteer, Kommune
from services_catalog.models import Service
from services_catalog.taxonomy import ServiceType

LEVELS = ("local", "regional", "national", "none")
DEFAULT_KM = 100.0
TREATMENT_TYPES = (ServiceType.AVRUSNING, ServiceType.LAR, ServiceType.TSB_POLIKLINIKK)
LARGEST_KOMMUNER = 100
LARGEST_TOWNS = 20
LOW_THRESHOLD_TYPES = frozenset({ServiceType.LAVTERSKEL_HELSE.value, ServiceType.SKADEREDUKSJON.value,
                                 ServiceType.LAVTERSKEL_SUBSTITUSJON.value, ServiceType.VARESTED.value})


@dataclass(frozen=True)
class Reach:
    """What one service with a phone offers to the map: where it is and whom it serves."""

    types: frozenset[str]
    points: tuple[tuple[float, float, str | None], ...]  # (lat, lon, kommune number) of its addresses
    kommuner: frozenset[str]  # served by name
    fylker: frozenset[str]  # served whole
    national: bool


@dataclass
class Coverage:
    km: float
    kommuner: list[Kommune]
    population: dict[str, int]
    # (service type, kommune number) -> level
    levels: dict[tuple[str, str], str] = field(default_factory=dict)
    # (service type, kommune number) -> whether a place with a phone is in the kommune's health region
    in_region: dict[tuple[str, str], bool] = field(default_factory=dict)
    local_targets: dict[str, dict] = field(default_factory=dict)

    def summary(self, service_type: str) -> dict[str, dict[str, float]]:
        """Per level: how many kommuner, and the (approximate) share of the population."""
        total = sum(self.population.values()) or 1
        counts = Counter(self.levels[(service_type, k.number)] for k in self.kommuner)
        people = Counter()
        for k in self.kommuner:
            people[self.levels[(service_type, k.number)]] += self.population[k.number]
        return {level: {"kommuner": counts[level], "population_share": round(people[level] / total, 3)}
                for level in LEVELS}

    def report(self) -> dict:
        """The whole report as plain data: the CLI's --json, the staff page and its JSON."""
        return {
            "km": self.km,
            "population_note": "Andeler av befolkningen er tilnærmet: folk i kommunens GeoNames-tettsteder.",
            "types": {t.value: self.summary(t.value) for t in ServiceType},
            "treatment_missing_in_region": self.missing_in_region(),
            "local_targets": self.local_targets,
            "kommuner": {k.number: {"name": k.name, **{t.value: self.levels[(t.value, k.number)] for t in ServiceType}}
                         for k in self.kommuner},
        }

    def missing_in_region(self) -> dict[str, list[str]]:
        """Per treatment type, the kommuner whose health region has no such place with a phone."""
        return {t.value: [k.name for k in self.kommuner if not self.in_region[(t.value, k.number)]]
                for t in TREATMENT_TYPES}


def measure(session: Session, gazetteer: Gazetteer, km: float = DEFAULT_KM) -> Coverage:
    reaches = [_reach(service) for service in _callable_services(session)]
    kommuner = gazetteer.kommuner()
    coverage = Coverage(km, kommuner, {k.number: gazetteer.size(k.number) for k in kommuner})
    regions = {k.number: k.health_region for k in kommuner}
    fylke_regions = {k.fylke_number: k.health_region for k in kommuner}
    for service_type in ServiceType:
        offering = [r for r in reaches if service_type.value in r.types]
        for kommune in kommuner:
            coverage.levels[(service_type.value, kommune.number)] = _level(offering, kommune, km)
            coverage.in_region[(service_type.value, kommune.number)] = any(
                _in_region(r, kommune.health_region, regions, fylke_regions) for r in offering)
    coverage.local_targets = local_targets(session, kommuner, coverage.population)
    return coverage


def local_targets(session: Session, kommuner: list[Kommune], population: dict[str, int]) -> dict[str, dict]:
    """Issue 13's three targets, each as how many of how many places meet it and which do not."""
    services = session.scalars(select(Service).where(Service.status == "active")).all()
    largest = sorted(kommuner, key=lambda k: -population[k.number])
    doors = _kommuner_with(services, lambda s: ServiceType.KOMMUNAL_RUSTJENESTE.value in s.type_codes)
    hours = _kommuner_with(services, lambda s: bool(LOW_THRESHOLD_TYPES & set(s.type_codes))
                           and any(schedule.opens_at for schedule in s.schedules))  # weekly hours, not words
    relatives = _kommuner_with(services, lambda s: ServiceType.PARORENDE.value in s.type_codes and bool(s.phones))
    fylker = {k.fylke_number: k.fylke for k in kommuner}
    relatives_fylker = {k.fylke_number for k in kommuner if k.number in relatives} | _fylker_served(
        services, lambda s: ServiceType.PARORENDE.value in s.type_codes and bool(s.phones))
    return {
        "kommune_door": _target(largest[:LARGEST_KOMMUNER], doors),
        "low_threshold_hours": _target(largest[:LARGEST_TOWNS], hours),
        "relatives_phone_by_fylke": {
            "met": len(relatives_fylker & set(fylker)), "of": len(fylker),
            "missing": sorted(name for number, name in fylker.items() if number not in relatives_fylker)},
    }


def _target(places: list[Kommune], meeting: set[str]) -> dict:
    return {"met": sum(k.number in meeting for k in places), "of": len(places),
            "missing": [k.name for k in places if k.number not in meeting]}


def _kommuner_with(services: Iterable[Service], wanted) -> set[str]:
    """Kommuner where a wanted service has an address or which it serves by name."""
    found: set[str] = set()
    for service in filter(wanted, services):
        found |= {a.code for a in service.service_areas if a.scope == "kommune" and a.code}
        found |= {sal.location.kommune_number for sal in service.service_at_locations if sal.location.kommune_number}
    return found


def _fylker_served(services: Iterable[Service], wanted) -> set[str]:
    return {a.code for service in filter(wanted, services) for a in service.service_areas
            if a.scope == "fylke" and a.code}


def _callable_services(session: Session) -> Iterable[Service]:
    services = session.scalars(select(Service).where(Service.status == "active")).all()
    return [service for service in services if service.phones]


def _reach(service: Service) -> Reach:
    locations = [sal.location for sal in service.service_at_locations]
    return Reach(
        types=frozenset(service.type_codes),
        points=tuple((l.latitude, l.longitude, l.kommune_number) for l in locations if l.latitude is not None),
        kommuner=frozenset(a.code for a in service.service_areas if a.scope == "kommune"),
        fylker=frozenset(a.code for a in service.service_areas if a.scope == "fylke"),
        national=any(a.scope == "country" for a in service.service_areas),
    )


def _level(offering: list[Reach], kommune: Kommune, km: float) -> str:
    if any(kommune.number in r.kommuner or any(p[2] == kommune.number for p in r.points) for r in offering):
        return "local"
    centre = (kommune.lat, kommune.lon)
    if any(kommune.fylke_number in r.fylker or any(great_circle(centre, p[:2]).km <= km for p in r.points)
           for r in offering):
        return "regional"
    return "national" if any(r.national for r in offering) else "none"


def _in_region(reach: Reach, region: str, regions: dict[str, str], fylke_regions: dict[str, str]) -> bool:
    if reach.points:
        return any(p[2] is not None and regions.get(p[2]) == region for p in reach.points)
    return any(regions.get(k) == region for k in reach.kommuner) or any(
        fylke_regions.get(f) == region for f in reach.fylker)
