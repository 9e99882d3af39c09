"""Large synthetic catalogues for tests and benchmarks: plausible in shape, never real.

Search has to stay fast with a national catalogue many times larger than
the shipped one, and tests need catalogues with every mix of properties.
Real-looking data would be dangerous if it ever leaked into the product, so
everything here says what it is: names "Syntetisk tjeneste 123", source
`SYNTHETIC_SOURCE`, no phone numbers, no web or e-mail addresses, and
addresses that are only "Syntetisk adresse".

The mix follows the domain: services are placed by population over the real
kommune centres (with jitter, kept inside the kommune); kommunal services
serve their kommune (some several, as interkommunale tjenester), specialist
treatment often a whole fylke, helplines the whole country; property odds
and opening hours (office, evenings, nights past midnight, weekends, around
the clock, unknown) depend on the service type.

`generate(count, seed)` yields HSDS service objects shaped like
the shipped catalogue's HSDS objects, so `hsds.import_files` reads them;
`load(session, count, seed)` writes the same services with bulk inserts,
index rows included, for catalogues of a million. Both are deterministic:
service number i depends only on (seed, i).
"""
from __future__ import annotations

import csv
import math
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Callable, Iterator, Optional

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services_catalog.geography import DATA_DIR, Gazetteer, Kommune
from services_catalog.models import (
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServicePoint,
    ServiceSource,
    ServiceTypeLink,
    UNDATED,
)
from services_catalog.points import point_rows
from services_catalog.taxonomy import (
    BOOLEAN_PROPERTIES,
    PROPERTY_TAXONOMY,
    SERVICE_TYPE_TAXONOMY,
    Property,
    ServiceType,
    column_name,
)

SYNTHETIC_SOURCE = "SYNTETISK – testdata, ikke ekte"
# The ".invalid" domain can never resolve (RFC 2606): a synthetic record's page exists nowhere.
SYNTHETIC_URL = "https://syntetisk.invalid/tjeneste/{i}"
NAME_PREFIX = "Syntetisk tjeneste"
SERVICES_PER_ORGANIZATION = 8
ASSURED_FROM = date(2026, 1, 1)

T = ServiceType
P = Property
SPECIALIST = frozenset({T.LAR, T.AVRUSNING, T.TSB_POLIKLINIKK, T.TSB_DOGN, T.LAVTERSKEL_SUBSTITUSJON})
LOW_THRESHOLD = frozenset({T.LAVTERSKEL_HELSE, T.SKADEREDUKSJON, T.VARESTED, T.SELVHJELP, T.AKUTT})

# How common each type is among services (selvhjelp groups and kommunal services are many).
TYPE_WEIGHTS: dict[ServiceType, float] = {
    T.KOMMUNAL_RUSTJENESTE: 14, T.SELVHJELP: 12, T.VARESTED: 8, T.BOLIG: 7, T.BARN_UNGE: 7,
    T.LAVTERSKEL_HELSE: 6, T.PARORENDE: 6, T.ETTERVERN: 6, T.TSB_POLIKLINIKK: 5, T.SKADEREDUKSJON: 4,
    T.TSB_DOGN: 4, T.BRUKERORGANISASJON: 4, T.LAR: 3, T.AKUTT: 3, T.AVRUSNING: 2,
    T.LAVTERSKEL_SUBSTITUSJON: 1, T.HJELPETELEFON: 0.3,
}
# A second type that often comes with the first.
COMPANION: dict[ServiceType, ServiceType] = {
    T.KOMMUNAL_RUSTJENESTE: T.PARORENDE, T.LAVTERSKEL_HELSE: T.SKADEREDUKSJON, T.TSB_POLIKLINIKK: T.LAR,
    T.AVRUSNING: T.TSB_DOGN, T.VARESTED: T.BOLIG, T.BARN_UNGE: T.PARORENDE, T.ETTERVERN: T.BRUKERORGANISASJON,
    T.LAR: T.TSB_POLIKLINIKK, T.SKADEREDUKSJON: T.LAVTERSKEL_HELSE, T.BOLIG: T.ETTERVERN,
}

# Weekly rules as (byday, opens, closes); an empty tuple is "hours unknown".
Hours = tuple[tuple[str, str, str], ...]
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
HOURS: dict[str, Hours] = {
    "office": ((WEEKDAYS, "08:00", "15:30"),),
    "office-late-thursday": (("MO,TU,WE,FR", "08:00", "15:30"), ("TH", "08:00", "19:00")),
    "daytime-drop-in": ((WEEKDAYS, "10:00", "14:00"),),
    "evenings": ((WEEKDAYS, "12:00", "21:00"), ("SA", "12:00", "18:00")),
    "evening-meeting": (("TU", "19:00", "20:30"), ("TH", "18:00", "19:30")),
    "weekend": ((WEEKDAYS, "09:00", "15:00"), ("SA,SU", "12:00", "17:00")),
    "night": ((EVERY_DAY, "22:00", "08:00"),),
    "weekend-nights": (("FR,SA", "20:00", "03:00"),),
    "around-the-clock": ((EVERY_DAY, "00:00", "24:00"),),
    "unknown": (),
}
HOURS_BY_TYPE: dict[ServiceType, dict[str, float]] = {
    T.AKUTT: {"around-the-clock": 8, "unknown": 2},
    T.BOLIG: {"night": 5, "around-the-clock": 2, "office": 1, "unknown": 2},
    T.SELVHJELP: {"evening-meeting": 8, "unknown": 2},
    T.VARESTED: {"weekend": 4, "daytime-drop-in": 3, "evenings": 2, "weekend-nights": 1, "unknown": 2},
    T.SKADEREDUKSJON: {"daytime-drop-in": 4, "evenings": 2, "weekend-nights": 2, "unknown": 2},
    T.LAVTERSKEL_HELSE: {"daytime-drop-in": 3, "evenings": 2, "office": 2, "unknown": 2},
    T.HJELPETELEFON: {"office": 3, "around-the-clock": 4, "evening-meeting": 1, "unknown": 2},
    T.TSB_DOGN: {"around-the-clock": 5, "office": 3, "unknown": 2},
}
DEFAULT_HOURS = {"office": 5, "office-late-thursday": 2, "unknown": 3}

UNSTATED = 0.1  # share of boolean properties a record leaves out
# Odds that a property is true, by type; None means the property never applies (left out).
DEFAULT_ODDS: dict[Property, float | None] = {
    P.DROP_IN: 0.3, P.REFERRAL_REQUIRED: 0.05, P.ANONYMOUS: 0.1, P.FREE: 0.7, P.SOBRIETY_REQUIRED: 0.05,
    P.ACCEPTS_LAR: 0.9, P.FOR_RELATIVES: 0.05, P.RIGHT_TO_CHOOSE: None, P.OPEN_ON_HOLIDAYS: 0.1,
}
ODDS_BY_TYPE: dict[ServiceType, dict[Property, float | None]] = {
    **{t: {P.DROP_IN: 0.9, P.ANONYMOUS: 0.7, P.FREE: 0.95} for t in LOW_THRESHOLD},
    **{t: {P.DROP_IN: 0.02, P.REFERRAL_REQUIRED: 0.85, P.RIGHT_TO_CHOOSE: 0.7, P.FREE: 0.9} for t in SPECIALIST},
    T.LAVTERSKEL_SUBSTITUSJON: {P.DROP_IN: 0.3, P.REFERRAL_REQUIRED: 0.3, P.RIGHT_TO_CHOOSE: None},
    T.TSB_DOGN: {P.DROP_IN: 0.0, P.REFERRAL_REQUIRED: 0.95, P.RIGHT_TO_CHOOSE: 0.8, P.SOBRIETY_REQUIRED: 0.4,
                 P.ACCEPTS_LAR: 0.6, P.OPEN_ON_HOLIDAYS: 0.9},
    T.AKUTT: {P.DROP_IN: 0.95, P.OPEN_ON_HOLIDAYS: 1.0, P.ANONYMOUS: 0.2},
    T.BOLIG: {P.DROP_IN: 0.4, P.SOBRIETY_REQUIRED: 0.2, P.OPEN_ON_HOLIDAYS: 0.8},
    T.PARORENDE: {P.FOR_RELATIVES: 1.0, P.ANONYMOUS: 0.3},
    T.KOMMUNAL_RUSTJENESTE: {P.FOR_RELATIVES: 0.4},
    T.BARN_UNGE: {P.FOR_RELATIVES: 0.3, P.ANONYMOUS: 0.3},
    T.HJELPETELEFON: {P.ANONYMOUS: 0.95, P.DROP_IN: None, P.FREE: 1.0, P.OPEN_ON_HOLIDAYS: 0.3},
}
OTHER_LANGUAGES = (("pl", "Polish"), ("ar", "Arabic"), ("so", "Somali"), ("uk", "Ukrainian"), ("ru", "Russian"),
                   ("ti", "Tigrinya"), ("fa", "Persian"), ("lt", "Lithuanian"))
SAMI_FYLKER = frozenset({"18", "55", "56"})  # Nordland, Troms, Finnmark


@dataclass(frozen=True)
class LoadReport:
    services: int
    points: int


def generate(count: int, seed: int = 0, start: int = 0) -> Iterator[dict[str, Any]]:
    """HSDS service objects number start .. start+count-1; the same (seed, i) always gives the same object."""
    world = _world()
    for i in range(start, start + count):
        yield _service(world, seed, i)


def load(
    session: Session,
    count: int,
    seed: int = 0,
    batch_size: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Insert `count` synthetic services with bulk inserts, index rows included; the caller commits.

    Rows are the ones `hsds.import_files` would make from `generate(count, seed)` (a test holds the
    two together); skipping the ORM is what makes a million services take minutes, not hours.
    """
    gazetteer = Gazetteer.load()
    locate = _memoised_locator(gazetteer)
    organizations: set[str] = set()
    services = points = 0
    for first in range(0, count, batch_size):
        rows = _Rows()
        for obj in generate(min(batch_size, count - first), seed, first):
            rows.add(obj, organizations, gazetteer, locate)
        points += rows.write(session)
        services += len(rows.tables[Service])
        if progress:
            progress(services)
    return LoadReport(services, points)


def random_place(rng: random.Random) -> tuple[Kommune, tuple[float, float]]:
    """Where someone might search from: a kommune by population, and a point inside it."""
    world = _world()
    kommune = rng.choices(world.kommuner, cum_weights=world.cumulative_population)[0]
    return kommune, _site(-1, kommune.number, rng.randrange(_site_count(world.sizes[kommune.number])))


# --- one service ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _World:
    """Geography the generator draws from, loaded once per process."""

    kommuner: tuple[Kommune, ...]
    cumulative_population: tuple[float, ...]
    sizes: dict[str, int]
    neighbours: dict[str, tuple[str, ...]]


def _service(world: _World, seed: int, i: int) -> dict[str, Any]:
    rng = random.Random(seed * 1_000_003 + i)
    kommune = rng.choices(world.kommuner, cum_weights=world.cumulative_population)[0]
    types = _types(rng)
    primary = types[0]
    odds = {**DEFAULT_ODDS, **ODDS_BY_TYPE.get(primary, {})}
    properties = {p: _maybe(rng, odds[p]) for p in BOOLEAN_PROPERTIES}
    areas = _areas(rng, world, primary, kommune)
    national = areas[0][0] == "country"
    obj: dict[str, Any] = {
        "id": _uid(1, seed, i),
        "name": f"{NAME_PREFIX} {i}",
        "description": f"Syntetisk testtjeneste ({primary.label_nb}), ikke et ekte tilbud.",
        "status": "inactive" if rng.random() < 0.02 else "active",
        "application_process": _application(properties[P.REFERRAL_REQUIRED]),
        "assured_date": (ASSURED_FROM + timedelta(days=rng.randrange(320))).isoformat(),
        "organization": _organization(seed, i // SERVICES_PER_ORGANIZATION),
        "service_areas": [_area(seed, i, n, scope, code, name) for n, (scope, code, name) in enumerate(areas)],
        "languages": [_language(seed, i, n, code, name) for n, (code, name) in enumerate(_languages(rng, kommune))],
        "attributes": _attributes(seed, i, types, properties, _wait(rng, properties[P.RIGHT_TO_CHOOSE])),
        "schedules": [_schedule(seed, i, n, *rule) for n, rule in enumerate(_hours(rng, primary))],
        "service_at_locations": [] if national or rng.random() < 0.2 else [_located(rng, seed, i, kommune, world)],
        "x_sources": [{"id": _uid(9, seed, i), "url": SYNTHETIC_URL.format(i=i), "page_date": UNDATED,
                       "checked": ASSURED_FROM.isoformat()}],
    }
    obj.update(_ages(rng, primary))
    return obj


_TYPES = list(TYPE_WEIGHTS)
_TYPE_CUMULATIVE = [sum(list(TYPE_WEIGHTS.values())[: n + 1]) for n in range(len(_TYPES))]


def _types(rng: random.Random) -> list[ServiceType]:
    primary = rng.choices(_TYPES, cum_weights=_TYPE_CUMULATIVE)[0]
    companion = COMPANION.get(primary)
    return [primary, companion] if companion and rng.random() < 0.25 else [primary]


def _maybe(rng: random.Random, odds: float | None) -> bool | None:
    if odds is None or rng.random() < UNSTATED:
        return None
    return rng.random() < odds


def _areas(rng: random.Random, world: _World, primary: ServiceType, kommune: Kommune) -> list[tuple[str, str, str]]:
    """(scope, code, name): helplines the country, specialists often the fylke, some kommuner together."""
    roll = rng.random()
    if primary is T.HJELPETELEFON:
        return [("country", "NO", "Hele Norge")] if roll < 0.9 else [("fylke", kommune.fylke_number, kommune.fylke)]
    if (primary in SPECIALIST and roll < 0.35) or roll < 0.02:
        return [("fylke", kommune.fylke_number, kommune.fylke)]
    served = [kommune.number]
    if roll > 0.92:
        served += world.neighbours[kommune.number][: rng.randint(1, 3)]
    return [("kommune", code, _kommune_name(code)) for code in served]


def _languages(rng: random.Random, kommune: Kommune) -> list[tuple[str, str]]:
    chosen = [("nb", "Norwegian")] if rng.random() < 0.97 else []
    if rng.random() < 0.35:
        chosen.append(("en", "English"))
    if kommune.fylke_number in SAMI_FYLKER and rng.random() < 0.3:
        chosen.append(("se", "Northern Sami"))
    if rng.random() < 0.08:
        chosen.append(rng.choice(OTHER_LANGUAGES))
    return chosen


def _wait(rng: random.Random, right_to_choose: bool | None) -> tuple[float, date] | None:
    """Waiting time in weeks where it is published; a quarter of institutions have none."""
    if not right_to_choose or rng.random() < 0.25:
        return None
    return round(rng.gammavariate(2.0, 3.0), 1), ASSURED_FROM + timedelta(days=rng.randrange(300))


def _hours(rng: random.Random, primary: ServiceType) -> Hours:
    profiles = HOURS_BY_TYPE.get(primary, DEFAULT_HOURS)
    return HOURS[rng.choices(list(profiles), weights=list(profiles.values()))[0]]


def _ages(rng: random.Random, primary: ServiceType) -> dict[str, int]:
    if primary is T.BARN_UNGE:
        return {"minimum_age": rng.choice((0, 12, 13, 16)), "maximum_age": rng.choice((18, 23, 25))}
    if primary in (T.TSB_DOGN, T.BOLIG) and rng.random() < 0.5:
        return {"minimum_age": 18}
    return {}


def _application(referral: bool | None) -> str:
    if referral:
        return "Syntetisk: krever henvisning fra fastlege eller NAV."
    return "Syntetisk: ta kontakt direkte." if referral is False else "Syntetisk: ukjent."


# --- HSDS pieces ---------------------------------------------------------------------------


def _uid(kind: int, seed: int, i: int, n: int = 0) -> str:
    """A UUID-shaped id that says what it is (kind, seed, service, sub-item) and costs nothing to make."""
    return f"{kind:02x}{n:06x}-{seed & 0xFFFF:04x}-4000-8000-{i:012x}"


def _organization(seed: int, number: int) -> dict[str, Any]:
    return {
        "id": _uid(2, seed, number),
        "name": f"Syntetisk organisasjon {number}",
        "description": "Syntetisk testorganisasjon, finnes ikke.",
    }


def _area(seed: int, i: int, n: int, scope: str, code: str, name: str) -> dict[str, Any]:
    uri = "urn:iso:country:NO" if scope == "country" else f"urn:ssb:{scope}:{code}"
    return {"id": _uid(4, seed, i, n), "name": name, "extent_type": "text", "uri": uri}


def _language(seed: int, i: int, n: int, code: str, name: str) -> dict[str, Any]:
    return {"id": _uid(5, seed, i, n), "name": name, "code": code}


def _attributes(
    seed: int, i: int, types: list[ServiceType], properties: dict[Property, bool | None], wait: tuple[float, date] | None
) -> list[dict[str, Any]]:
    values: list[tuple[str, str, str | None]] = [(SERVICE_TYPE_TAXONOMY, t.value, None) for t in types]
    values += [(PROPERTY_TAXONOMY, p.value, str(v).lower()) for p, v in properties.items() if v is not None]
    if wait:
        values += [(PROPERTY_TAXONOMY, P.WAIT_WEEKS.value, str(wait[0])),
                   (PROPERTY_TAXONOMY, P.WAIT_MEASURED.value, wait[1].isoformat()),
                   (PROPERTY_TAXONOMY, P.WAIT_SOURCE.value, SYNTHETIC_URL.format(i=i))]
    values.append((PROPERTY_TAXONOMY, P.SOURCE.value, SYNTHETIC_SOURCE))
    attributes = []
    for n, (taxonomy, code, value) in enumerate(values):
        attribute: dict[str, Any] = {"id": _uid(3, seed, i, n), "taxonomy_term": _term(taxonomy, code)}
        if value is not None:
            attribute["value"] = value
        attributes.append(attribute)
    return attributes


@lru_cache(maxsize=None)
def _term(taxonomy: str, code: str) -> dict[str, str]:
    term_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"veiviser:{taxonomy}:{code}"))
    name = ServiceType(code).label_nb if taxonomy == SERVICE_TYPE_TAXONOMY else code
    return {"id": term_id, "code": code, "name": name, "taxonomy": taxonomy}


def _schedule(seed: int, i: int, n: int, byday: str, opens: str, closes: str) -> dict[str, Any]:
    return {
        "id": _uid(6, seed, i, n), "freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes,
        "timezone": "Europe/Oslo", "description": f"Syntetisk: {byday} {opens}–{closes}",
        "x_source_url": SYNTHETIC_URL.format(i=i),
    }


def _located(rng: random.Random, seed: int, i: int, kommune: Kommune, world: _World) -> dict[str, Any]:
    lat, lon = _site(seed, kommune.number, rng.randrange(_site_count(world.sizes[kommune.number])))
    return {
        "id": _uid(8, seed, i),
        "location": {
            "id": _uid(7, seed, i),
            "location_type": "physical",
            "name": f"Syntetisk sted {i}",
            "latitude": lat,
            "longitude": lon,
            "addresses": [{"address_1": "Syntetisk adresse", "city": kommune.name}],
            "x_point_precision": "address",
            "x_source_url": SYNTHETIC_URL.format(i=i),
        },
    }


# --- geography ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _world() -> _World:
    gazetteer = Gazetteer.load()
    kommuner = tuple(gazetteer.kommuner())
    sizes = _kommune_sizes()
    population = [max(sizes[k.number], 300) for k in kommuner]  # some have no size; none is empty
    cumulative = [0.0]
    for size in population:
        cumulative.append(cumulative[-1] + size)
    return _World(
        kommuner=kommuner,
        cumulative_population=tuple(cumulative[1:]),
        sizes=sizes,
        neighbours={k.number: _nearest_kommuner(k, kommuner) for k in kommuner},
    )


def _kommune_sizes() -> dict[str, int]:
    """The gazetteer's population proxy ("size"), read from its data file; Gazetteer keeps it private."""
    with open(DATA_DIR / "kommuner.csv", encoding="utf-8", newline="") as f:
        return {row["number"]: int(row["size"] or 0) for row in csv.DictReader(f)}


def _nearest_kommuner(kommune: Kommune, kommuner: tuple[Kommune, ...]) -> tuple[str, ...]:
    def far(other: Kommune) -> float:
        return (other.lat - kommune.lat) ** 2 + ((other.lon - kommune.lon) * math.cos(math.radians(kommune.lat))) ** 2

    return tuple(k.number for k in sorted(kommuner, key=far) if k.number != kommune.number)[:3]


def _kommune_name(number: str) -> str:
    kommune = Gazetteer.load().kommune(number)
    return kommune.name if kommune else number


def _site_count(size: int) -> int:
    """Distinct addresses per kommune, growing with its size, so big towns are dense but not one dot."""
    return min(1024, max(4, int(math.sqrt(size))))


def _spread_km(size: int) -> float:
    return 0.6 + 0.004 * math.sqrt(size)


@lru_cache(maxsize=65536)
def _site(seed: int, number: str, n: int) -> tuple[float, float]:
    """Address number n in a kommune: jitter around its centre, redrawn until it falls inside the kommune."""
    gazetteer = Gazetteer.load()
    kommune = gazetteer.kommune(number)
    assert kommune is not None
    rng = random.Random(f"{seed}:{number}:{n}")
    spread = _spread_km(_world().sizes[number])
    for _ in range(12):
        lat = kommune.lat + rng.gauss(0, spread) / 111.2
        lon = kommune.lon + rng.gauss(0, spread) / (111.2 * math.cos(math.radians(kommune.lat)))
        found = gazetteer.kommune_at(lat, lon)
        if found is not None and found.number == number:
            return round(lat, 6), round(lon, 6)
    return kommune.lat, kommune.lon


def _memoised_locator(gazetteer: Gazetteer) -> Callable[[float, float], Optional[str]]:
    """Synthetic addresses repeat, and the polygon test is the slow part of making index rows."""

    @lru_cache(maxsize=None)
    def locate(lat: float, lon: float) -> str | None:
        kommune = gazetteer.kommune_at(lat, lon)
        return kommune.number if kommune else None

    return locate


# --- bulk rows ---------------------------------------------------------------------------


class _Rows:
    """Table rows for a batch of HSDS objects: the columns `hsds.import_files` fills, nothing more."""

    def __init__(self) -> None:
        self.tables: dict[type, list[dict[str, Any]]] = {
            model: [] for model in (Organization, Service, ServiceTypeLink, ServiceArea, Language, Schedule,
                                    Location, ServiceAtLocation, ServicePoint, ServiceSource)
        }

    def add(self, obj: dict[str, Any], organizations: set[str], gazetteer: Gazetteer, locate: Callable) -> None:
        service_id = obj["id"]
        organization = obj["organization"]
        if organization["id"] not in organizations:
            organizations.add(organization["id"])
            self.tables[Organization].append(dict(organization, website=None, email=None))
        self.tables[Service].append(_service_row(obj))
        self.tables[ServiceTypeLink] += [
            {"id": a["id"], "service_id": service_id, "code": a["taxonomy_term"]["code"]}
            for a in obj["attributes"] if a["taxonomy_term"]["taxonomy"] == SERVICE_TYPE_TAXONOMY
        ]
        areas = [_area_row(service_id, area) for area in obj["service_areas"]]
        self.tables[ServiceArea] += areas
        self.tables[Language] += [dict(language, service_id=service_id) for language in obj["languages"]]
        self.tables[Schedule] += [
            {**_without_source(schedule), "service_id": service_id, "valid_from": None, "valid_to": None,
             "source_url": schedule["x_source_url"]}
            for schedule in obj["schedules"]
        ]
        self.tables[ServiceSource] += [
            {"id": source["id"], "service_id": service_id, "position": n, "url": source["url"], "page_date": None,
             "checked": date.fromisoformat(source["checked"]), "note": None}
            for n, source in enumerate(obj["x_sources"])
        ]
        exact = []
        for sal in obj["service_at_locations"]:
            location = sal["location"]
            self.tables[Location].append(_location_row(location, locate))
            self.tables[ServiceAtLocation].append(
                {"id": sal["id"], "service_id": service_id, "location_id": location["id"]}
            )
            exact.append((location["latitude"], location["longitude"], False))
        scopes = [(area["scope"], area["code"]) for area in areas]
        self.tables[ServicePoint] += point_rows(service_id, exact, scopes, gazetteer, locate)

    def write(self, session: Session) -> int:
        for model, rows in self.tables.items():
            if rows:
                session.execute(insert(model.__table__), rows)
        return len(self.tables[ServicePoint])


def _service_row(obj: dict[str, Any]) -> dict[str, Any]:
    properties = {
        Property(a["taxonomy_term"]["code"]): a.get("value")
        for a in obj["attributes"] if a["taxonomy_term"]["taxonomy"] == PROPERTY_TAXONOMY
    }
    wait = properties.get(P.WAIT_WEEKS)
    measured = properties.get(P.WAIT_MEASURED)
    return {
        "id": obj["id"], "organization_id": obj["organization"]["id"], "name": obj["name"], "alternate_name": None,
        "description": obj["description"], "url": None, "email": None, "status": obj["status"],
        "application_process": obj["application_process"], "fees_description": None,
        "eligibility_description": None, "minimum_age": obj.get("minimum_age"), "maximum_age": obj.get("maximum_age"),
        "assured_date": date.fromisoformat(obj["assured_date"]),
        "wait_weeks": float(wait) if wait is not None else None,
        "wait_measured": date.fromisoformat(measured) if measured else None,
        "wait_source_url": properties.get(P.WAIT_SOURCE),
        "source": properties[P.SOURCE],
        "hsds_original": None,  # its objects hold only fields the catalogue models: an export is the same without
        **{column_name(p): (properties[p] == "true") if p in properties else None for p in BOOLEAN_PROPERTIES},
    }


def _area_row(service_id: str, area: dict[str, Any]) -> dict[str, Any]:
    scope, code = area["uri"].split(":")[2:4]
    return {"id": area["id"], "service_id": service_id, "name": area["name"], "uri": area["uri"], "scope": scope,
            "code": code}


def _location_row(location: dict[str, Any], locate: Callable) -> dict[str, Any]:
    address = location["addresses"][0]
    return {
        "id": location["id"], "location_type": location["location_type"], "name": location["name"],
        "description": None, "latitude": location["latitude"], "longitude": location["longitude"],
        "address_1": address.get("address_1"), "postal_code": address.get("postal_code"),
        "city": address.get("city"), "kommune_number": locate(location["latitude"], location["longitude"]),
        "point_precision": location["x_point_precision"], "source_url": location["x_source_url"],
    }


def _without_source(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "x_source_url"}
