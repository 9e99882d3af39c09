"""Search: every filter, local first, radius, fallback, waiting times, opening hours; SQLite and PostgreSQL.

Catalogues are written as HSDS and imported the ordinary way. The last tests
compare the search with a brute-force reading of the rules over a synthetic
catalogue, so the growing boxes, the kommune-centre shortcut and the SQL
prefilter for opening hours are held to the plain meaning.
"""
from __future__ import annotations

import json
import math
import random
import uuid
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from bench import synthetic
from services_catalog.db import session_factory
from services_catalog.geography import Gazetteer, Kommune
from services_catalog.hsds import import_files
from services_catalog.models import Service, ServicePoint
from services_catalog.opening_hours import OSLO, is_open
from services_catalog.search import (
    FILTER_PROPERTIES,
    NEARBY_KM,
    Query,
    Result,
    Sort,
    _haversine,
    find_services,
    language_codes,
)
from services_catalog.taxonomy import PROPERTY_TAXONOMY, SERVICE_TYPE_TAXONOMY, Property, ServiceType, column_name

G = Gazetteer.load()
T = ServiceType
NOON = datetime(2025, 5, 14, 12, 0, tzinfo=OSLO)  # an ordinary Wednesday
PROPERTY_BY_COLUMN = {column_name(p): p for p in Property}


def kommune(name: str) -> Kommune:
    place = G.resolve(name)
    assert place is not None and place.kind == "kommune", name
    return place.kommune


def near(k: Kommune, north_km: float = 0.0, east_km: float = 0.0) -> tuple[float, float]:
    """A point some km from a kommune's centre, checked to lie in that kommune."""
    lat = k.lat + north_km / 111.2
    lon = k.lon + east_km / (111.2 * math.cos(math.radians(k.lat)))
    inside = G.kommune_at(lat, lon)
    assert inside is not None and inside.number == k.number, (k.name, north_km, east_km)
    return lat, lon


def uid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "test-search:" + ":".join(map(str, parts))))


def service(
    name: str,
    *,
    types: tuple[ServiceType, ...] = (T.KOMMUNAL_RUSTJENESTE,),
    kommuner: tuple[Kommune, ...] = (),
    fylker: tuple[str, ...] = (),
    national: bool = False,
    at: tuple[float, float] | None = None,
    hours: tuple[tuple[str, str, str], ...] = (),
    wait: float | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    languages: tuple[str, ...] = ("nb",),
    status: str = "active",
    **properties: bool,
) -> dict[str, Any]:
    """An HSDS service object as a data owner would write it."""
    uris = [f"urn:ssb:kommune:{k.number}" for k in kommuner] + [f"urn:ssb:fylke:{f}" for f in fylker]
    uris += ["urn:iso:country:NO"] if national else []
    values: list[tuple[str, str, str | None]] = [(SERVICE_TYPE_TAXONOMY, t.value, None) for t in types]
    values += [(PROPERTY_TAXONOMY, PROPERTY_BY_COLUMN[k].value, str(v).lower()) for k, v in properties.items()]
    page = f"https://example.org/{uid(name)}"
    if wait is not None:
        values.append((PROPERTY_TAXONOMY, Property.WAIT_WEEKS.value, str(wait)))
        values.append((PROPERTY_TAXONOMY, Property.WAIT_SOURCE.value, page))
    obj: dict[str, Any] = {
        "id": uid(name),
        "name": name,
        "status": status,
        "assured_date": "2026-01-01",
        "service_areas": [{"id": uid(name, "area", n), "uri": uri} for n, uri in enumerate(uris)],
        "languages": [{"id": uid(name, "language", code), "code": code} for code in languages],
        "attributes": [
            {"id": uid(name, "attribute", n), "taxonomy_term": {"code": code, "taxonomy": taxonomy},
             **({"value": value} if value is not None else {})}
            for n, (taxonomy, code, value) in enumerate(values)
        ],
        "schedules": [
            {"id": uid(name, "schedule", n), "freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes,
             "x_source_url": page}
            for n, (byday, opens, closes) in enumerate(hours)
        ],
        "minimum_age": min_age,
        "maximum_age": max_age,
        "x_sources": [{"url": page, "page_date": "undated", "checked": "2026-01-01"}],
    }
    if at is not None:
        obj["service_at_locations"] = [
            {"id": uid(name, "sal"), "location": {"id": uid(name, "location"), "latitude": at[0], "longitude": at[1]}}
        ]
    return obj


Search = Callable[..., Result]


@pytest.fixture
def catalogue(empty_catalogue_url: str, tmp_path: Path) -> Callable[..., Search]:
    """Import services, then search them: `search = catalogue(service(...), ...); search(Query(...))`."""
    files = count()

    def load(*services: dict[str, Any]) -> Search:
        path = tmp_path / f"services-{next(files)}.json"
        path.write_text(json.dumps({"services": list(services)}), encoding="utf-8")
        with session_factory(empty_catalogue_url)() as session:
            import_files(session, [path])
            session.commit()

        def search(query: Query, now: datetime = NOON) -> Result:
            with session_factory(empty_catalogue_url)() as session:
                return find_services(session, query, G, now=now)

        return search

    return load


def names(result: Result) -> list[str]:
    return [m.service.name for m in result.matches]


BERGEN, ASKOY, ALVER, VOSS = kommune("Bergen"), kommune("Askøy"), kommune("Alver"), kommune("Voss")
TROMSO, BALSFJORD, BODO = kommune("Tromsø"), kommune("Balsfjord"), kommune("Bodø")


# --- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize("prop", FILTER_PROPERTIES, ids=lambda p: p.value)
def test_a_property_filter_keeps_only_the_services_that_say_so(catalogue, prop):
    column = column_name(prop)
    search = catalogue(
        service("sier ja", kommuner=(BERGEN,), **{column: True}),
        service("sier nei", kommuner=(BERGEN,), **{column: False}),
        service("sier ingenting", kommuner=(BERGEN,)),
    )
    assert names(search(Query(kommune=BERGEN, limit=10, **{column: True}))) == ["sier ja"]
    assert names(search(Query(kommune=BERGEN, limit=10, **{column: False}))) == ["sier nei"]
    assert len(search(Query(kommune=BERGEN, limit=10)).matches) == 3


def test_types_match_any_of_the_codes_asked_for(catalogue):
    search = catalogue(
        service("lar", types=(T.LAR,), kommuner=(BERGEN,)),
        service("lar og poliklinikk", types=(T.TSB_POLIKLINIKK, T.LAR), kommuner=(BERGEN,)),
        service("varested", types=(T.VARESTED,), kommuner=(BERGEN,)),
    )
    found = names(search(Query(types=frozenset({T.LAR, T.LAVTERSKEL_SUBSTITUSJON}), kommune=BERGEN, limit=10)))
    assert sorted(found) == ["lar", "lar og poliklinikk"]
    with pytest.raises(ValueError):
        Query(types=frozenset({"larr"}))


def test_age_limits_admit_the_age_and_no_limit_admits_everyone(catalogue):
    search = catalogue(
        service("ungdom", kommuner=(BERGEN,), min_age=13, max_age=23),
        service("voksne", kommuner=(BERGEN,), min_age=18),
        service("alle", kommuner=(BERGEN,)),
    )
    assert sorted(names(search(Query(kommune=BERGEN, age=15, limit=10)))) == ["alle", "ungdom"]
    assert sorted(names(search(Query(kommune=BERGEN, age=23, limit=10)))) == ["alle", "ungdom", "voksne"]
    assert sorted(names(search(Query(kommune=BERGEN, age=40, limit=10)))) == ["alle", "voksne"]


def test_language_is_a_code_the_service_lists(catalogue):
    search = catalogue(
        service("norsk", kommuner=(BERGEN,)),
        service("også arabisk", kommuner=(BERGEN,), languages=("nb", "ar")),
    )
    assert names(search(Query(kommune=BERGEN, language="AR", limit=10))) == ["også arabisk"]


def test_bokmal_nynorsk_and_norwegian_are_one_language(catalogue):
    search = catalogue(service("nynorsk", kommuner=(BERGEN,), languages=("nn",)), service("engelsk", kommuner=(BERGEN,),
                                                                                          languages=("en",)))
    for asked in ("nb", "no", "NN"):
        assert names(search(Query(kommune=BERGEN, language=asked, limit=10))) == ["nynorsk"], asked


def test_services_that_are_not_active_are_never_found(catalogue):
    search = catalogue(service("stengt", kommuner=(BERGEN,), status="inactive"), service("åpen", kommuner=(BERGEN,)))
    assert names(search(Query(kommune=BERGEN, limit=10))) == ["åpen"]


def test_every_write_to_the_catalogue_is_seen_by_the_next_search(catalogue, empty_catalogue_url):
    """Search reads an in-memory snapshot; any writer, even plain SQL, must make it current again."""
    search = catalogue(service("rustjenesten", kommuner=(BERGEN,)))
    assert names(search(Query(kommune=BERGEN))) == ["rustjenesten"]
    with session_factory(empty_catalogue_url)() as session:
        session.execute(text("UPDATE service SET name = 'nytt navn'"))
        session.commit()
    assert names(search(Query(kommune=BERGEN))) == ["nytt navn"]
    with session_factory(empty_catalogue_url)() as session:
        session.execute(text("DELETE FROM service_point"))
        session.commit()
    assert names(search(Query(kommune=BERGEN))) == []


def test_a_write_rolled_back_leaves_no_trace_in_later_searches(catalogue, empty_catalogue_url):
    search = catalogue(service("rustjenesten", kommuner=(BERGEN,)))
    with session_factory(empty_catalogue_url)() as session:
        session.execute(text("UPDATE service SET status = 'inactive'"))
        assert find_services(session, Query(kommune=BERGEN), G, now=NOON).matches == ()  # its own write
        session.rollback()
    assert names(search(Query(kommune=BERGEN))) == ["rustjenesten"]


# --- place, distance, fallback -----------------------------------------------------------------


def test_local_services_come_first_then_by_distance(catalogue):
    user = near(BERGEN, east_km=-2)  # towards Askøy
    search = catalogue(
        service("bergen langt unna", kommuner=(BERGEN,), at=near(BERGEN, north_km=3, east_km=3)),
        service("bergen nær", kommuner=(BERGEN,), at=near(BERGEN, east_km=-1)),
        service("askøy", kommuner=(ASKOY,), at=near(ASKOY)),
        service("alver", kommuner=(ALVER,)),
    )
    result = search(Query(kommune=BERGEN, point=user, limit=10))
    assert names(result) == ["bergen nær", "bergen langt unna", "askøy", "alver"]
    assert [m.local for m in result.matches] == [True, True, False, False]
    assert not result.fallback
    distances = [m.distance_km for m in result.matches]
    assert distances[0] < distances[1] and distances[2] < distances[1] < distances[3]
    assert [m.kommune_name for m in result.matches] == ["Bergen", "Bergen", "Askøy", "Alver"]
    assert [m.approximate for m in result.matches] == [False, False, False, True]


def test_locals_at_any_distance_but_others_only_within_100_km(catalogue):
    search = catalogue(
        service("tromsø", kommuner=(TROMSO,)),
        service("balsfjord", kommuner=(BALSFJORD,)),
        service("bodø", kommuner=(BODO,)),
    )
    result = search(Query(kommune=TROMSO, point=near(TROMSO, north_km=1), limit=10))
    assert names(result) == ["tromsø", "balsfjord"]
    assert result.matches[1].distance_km < NEARBY_KM < 300


def test_an_explicit_radius_is_a_hard_limit_for_every_located_service(catalogue):
    user = near(BERGEN, east_km=-3)
    search = catalogue(
        service("bergen 6 km", kommuner=(BERGEN,), at=near(BERGEN, north_km=4, east_km=1)),
        service("askøy 3 km", kommuner=(ASKOY,), at=near(ASKOY)),
        service("bergen uten adresse, fylket", fylker=("46",)),
    )
    assert names(search(Query(kommune=BERGEN, point=user, radius_km=5, limit=10))) == [
        "bergen uten adresse, fylket", "askøy 3 km"]
    assert names(search(Query(kommune=BERGEN, point=user, radius_km=2, limit=10))) == []


def test_a_fylke_area_makes_a_service_local_to_every_kommune_of_the_fylke(catalogue):
    search = catalogue(service("hele vestland", fylker=("46",)), service("bare bergen", kommuner=(BERGEN,)))
    result = search(Query(kommune=VOSS, limit=10))
    assert names(result) == ["hele vestland", "bare bergen"]
    assert result.matches[0].local and result.matches[0].approximate and result.matches[0].kommune_name == "Voss"
    assert not result.matches[1].local and result.matches[1].distance_km == pytest.approx(65, abs=3)


def test_a_service_with_an_address_elsewhere_is_ranked_by_its_real_distance(catalogue):
    search = catalogue(
        service("serverer voss fra bergen", kommuner=(VOSS, BERGEN), at=near(BERGEN)),
        service("i voss", kommuner=(VOSS,), at=near(VOSS, north_km=1)),
    )
    result = search(Query(kommune=VOSS, limit=10))
    assert names(result) == ["i voss", "serverer voss fra bergen"]
    assert not result.matches[1].local and result.matches[1].distance_km > 60


def test_nothing_local_falls_back_to_the_nearest_and_national_and_says_so(catalogue):
    search = catalogue(
        service("bergen", kommuner=(BERGEN,), at=near(BERGEN)),
        service("alver", kommuner=(ALVER,), at=near(ALVER)),
        service("voss", kommuner=(VOSS,)),
        service("hjelpetelefon", national=True),
    )
    result = search(Query(kommune=ASKOY, limit=3))
    assert result.fallback
    assert names(result) == ["bergen", "alver", "hjelpetelefon"]  # national services get at least one place
    assert result.matches[2].national and result.matches[2].distance_km is None
    assert names(search(Query(kommune=ASKOY, limit=3, include_national=False))) == ["bergen", "alver", "voss"]
    assert not search(Query(kommune=BERGEN, limit=3)).fallback


def test_in_a_fallback_national_services_take_at_most_half_the_places(catalogue):
    search = catalogue(
        *[service(f"nær {n}", kommuner=(BERGEN,), at=near(BERGEN, east_km=n)) for n in range(3)],
        *[service(f"telefon {n}", national=True) for n in range(3)],
    )
    assert names(search(Query(kommune=ASKOY, limit=4))) == ["nær 0", "nær 1", "telefon 0", "telefon 1"]
    assert names(search(Query(kommune=ASKOY, limit=1))) == ["telefon 0"]


def test_national_services_come_after_located_ones_and_alone_without_a_place(catalogue):
    search = catalogue(
        service("bergen", kommuner=(BERGEN,)),
        service("b-telefon", national=True),
        service("a-telefon", national=True, at=near(BERGEN)),  # an address does not make it local
    )
    result = search(Query(kommune=BERGEN, limit=5))
    assert names(result) == ["bergen", "a-telefon", "b-telefon"]
    assert [m.national for m in result.matches] == [False, True, True]
    assert all(m.kommune_name is None for m in result.matches[1:])
    without_place = search(Query(limit=5))
    assert names(without_place) == ["a-telefon", "b-telefon"] and not without_place.fallback


def test_a_point_alone_finds_its_kommune(catalogue):
    search = catalogue(service("askøy", kommuner=(ASKOY,)), service("bergen", kommuner=(BERGEN,)))
    result = search(Query(point=near(ASKOY, north_km=1), limit=5))
    assert result.kommune == ASKOY and names(result) == ["askøy", "bergen"]


def test_a_point_at_sea_has_no_kommune_so_nothing_is_local(catalogue):
    search = catalogue(service("bergen", kommuner=(BERGEN,)), service("voss", kommuner=(VOSS,)))
    result = search(Query(point=(60.40, 4.60), limit=5, include_national=False))  # the North Sea, 40 km off Bergen
    assert result.kommune is None and result.fallback
    assert names(result) == ["bergen"] and not result.matches[0].local


def test_the_kommune_centre_holds_many_services_and_nearer_addresses_still_come_first(catalogue):
    user = near(BERGEN, north_km=2)
    search = catalogue(
        *[service(f"uten adresse {n:02d}", kommuner=(BERGEN,)) for n in range(30)],
        service("adresse nær", kommuner=(BERGEN,), at=near(BERGEN, north_km=1.8)),
        service("adresse langt", kommuner=(BERGEN,), at=near(BERGEN, north_km=-3)),
    )
    result = search(Query(kommune=BERGEN, point=user, limit=5))
    assert names(result)[0] == "adresse nær"
    assert all(n.startswith("uten adresse") for n in names(result)[1:]) and len(result.matches) == 5
    assert len(set(names(search(Query(kommune=BERGEN, limit=40))))) == 32


def test_every_kommune_centre_lies_in_its_kommune():
    """Search skips a kommune's centre by its coordinates alone: only that kommune's rows may be there."""
    assert all((found := G.kommune_at(k.lat, k.lon)) is not None and found.number == k.number for k in G.kommuner())
    assert len({(k.lat, k.lon) for k in G.kommuner()}) == len(G.kommuner())


# --- right to choose ---------------------------------------------------------------------------


def test_right_to_choose_lists_the_whole_country_by_wait_unknown_last(catalogue):
    kinds = dict(types=(T.TSB_DOGN,), right_to_choose=True)
    search = catalogue(
        service("fire uker", kommuner=(BODO,), wait=4, **kinds),
        service("to uker langt", kommuner=(TROMSO,), wait=2, **kinds),
        service("to uker nær", kommuner=(VOSS,), wait=2, **kinds),
        service("ukjent", kommuner=(BERGEN,), **kinds),
        service("ikke godkjent", kommuner=(BERGEN,), types=(T.TSB_DOGN,), right_to_choose=False, wait=0.5),
    )
    query = Query(types=frozenset({T.TSB_DOGN}), kommune=BERGEN, right_to_choose=True, sort=Sort.WAIT, limit=10)
    result = search(query)
    assert names(result) == ["to uker nær", "to uker langt", "fire uker", "ukjent"]
    assert not result.fallback and result.matches[3].local
    without_place = search(Query(types=frozenset({T.TSB_DOGN}), right_to_choose=True, sort=Sort.WAIT, limit=2))
    assert sorted(names(without_place)) == ["to uker langt", "to uker nær"]


# --- opening hours ---------------------------------------------------------------------------

OFFICE = (("MO,TU,WE,TH,FR", "08:00", "15:30"),)
NIGHTS = (("FR,SA", "22:00", "08:00"),)
ALWAYS = (("MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00"),)


def test_open_on_17_may_only_where_holidays_are_kept_open_and_never_with_unknown_hours(catalogue):
    search = catalogue(
        service("kontor", kommuner=(BERGEN,), hours=OFFICE),
        service("kontor, åpent på helligdager", kommuner=(BERGEN,), hours=OFFICE, open_on_holidays=True),
        service("døgnåpen", kommuner=(BERGEN,), hours=ALWAYS, open_on_holidays=True),
        service("ukjent", kommuner=(BERGEN,)),
    )
    constitution_day = datetime(2024, 5, 17, 12, 0, tzinfo=OSLO)  # a Friday
    found = sorted(names(search(Query(kommune=BERGEN, open_at=constitution_day, limit=10))))
    assert found == ["døgnåpen", "kontor, åpent på helligdager"]
    day_before = sorted(names(search(Query(kommune=BERGEN, open_at=constitution_day - timedelta(days=1), limit=10))))
    assert day_before == ["døgnåpen", "kontor", "kontor, åpent på helligdager"]


def test_open_past_midnight_on_the_night_it_started(catalogue):
    search = catalogue(service("natthjem", kommuner=(BERGEN,), hours=NIGHTS), service("kontor", kommuner=(BERGEN,), hours=OFFICE))
    saturday_2am = datetime(2025, 5, 10, 2, 0, tzinfo=OSLO)
    friday_2am = datetime(2025, 5, 9, 2, 0, tzinfo=OSLO)
    assert names(search(Query(kommune=BERGEN, open_at=saturday_2am, limit=10))) == ["natthjem"]
    assert names(search(Query(kommune=BERGEN, open_at=friday_2am, limit=10))) == []


def test_matches_say_open_closed_or_unknown_at_the_moment_asked(catalogue):
    search = catalogue(
        service("kontor", kommuner=(BERGEN,), hours=OFFICE),
        service("natthjem", kommuner=(BERGEN,), hours=NIGHTS),
        service("ukjent", kommuner=(BERGEN,)),
    )
    states = {m.service.name: m.open_now for m in search(Query(kommune=BERGEN, limit=10), now=NOON).matches}
    assert states == {"kontor": True, "natthjem": False, "ukjent": None}
    with pytest.raises(ValueError):
        Query(open_at=datetime(2025, 5, 14, 12, 0))


EDGE_HOURS = {
    "midnatt": (("MO,TU,WE,TH,FR,SA,SU", "18:00", "24:00"),),
    "døgn like tider": (("MO,TU,WE,TH,FR,SA,SU", "07:00", "07:00"),),
    "små bokstaver": (("mo,we", "09:00", "17:00"),),
    "uten dager": (("", "10:00", "12:00"),),
    "sekunder": (("MO,TU,WE,TH,FR", "08:00:30", "15:59:59"),),
    "natt til lørdag": (("FR", "23:00", "01:30"),),
    "kveld": (("TU,TH", "17:00", "21:00"),),
    "helg": (("SA,SU", "12:00", "17:00"),),
    "kontor": OFFICE,
    "netter": NIGHTS,
    "døgnåpen": ALWAYS,
}


def _edge_hour_services() -> list[dict[str, Any]]:
    return [
        service(f"{name} (helligdager)" if holidays else name, kommuner=(BERGEN,), hours=hours, open_on_holidays=holidays)
        for name, hours in EDGE_HOURS.items()
        for holidays in (False, True)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(when=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(OSLO)))
def test_the_open_filter_finds_exactly_what_opening_hours_says_is_open(catalogue, empty_catalogue_url, when):
    """The SQL prefilter may let too many through, never too few; the exact check follows."""
    search = _once(catalogue, empty_catalogue_url, _edge_hour_services)
    with session_factory(empty_catalogue_url)() as session:
        expected = {s.name for s in session.scalars(select(Service)) if is_open(s.schedules, when, s.open_on_holidays)}
    assert set(names(search(Query(kommune=BERGEN, open_at=when, limit=50)))) == expected


# --- against the plain meaning -----------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_search_agrees_with_reading_every_service(catalogue, empty_catalogue_url, seed):
    search = _once(catalogue, empty_catalogue_url, lambda: list(synthetic.generate(500, seed=11)))
    query = _random_query(random.Random(seed))
    with session_factory(empty_catalogue_url)() as session:
        expected, fallback = _brute_force(session, query)
    result = search(query)
    assert [m.service.id for m in result.matches] == expected, query
    assert result.fallback == fallback
    if query.sort is Sort.DISTANCE:
        located = [m.local for m in result.matches if not m.national]
        assert located == sorted(located, reverse=True)  # local ones first


_LOADED: dict[str, Search] = {}


def _once(catalogue, url: str, services: Callable[[], list[dict[str, Any]]]) -> Search:
    """Hypothesis runs a test many times on one fixture (one database): import into it once."""
    if url not in _LOADED:
        _LOADED[url] = catalogue(*services())
    return _LOADED[url]


def _random_query(rng: random.Random) -> Query:
    kommune_, point = synthetic.random_place(rng)
    types = frozenset(rng.sample(list(T), rng.choice((1, 1, 2, 3)))) if rng.random() < 0.9 else frozenset()
    filters: dict[str, Any] = {}
    for prop in FILTER_PROPERTIES:
        if rng.random() < 0.08:
            filters[column_name(prop)] = rng.random() < 0.7
    if rng.random() < 0.15:
        filters["age"] = rng.randint(10, 70)
    if rng.random() < 0.1:
        filters["language"] = rng.choice(("en", "se", "pl", "nb"))
    if rng.random() < 0.3:
        filters["open_at"] = datetime(2025, 1, 1, tzinfo=OSLO) + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
    if rng.random() < 0.2:
        filters["radius_km"] = rng.choice((1.0, 5.0, 25.0, 150.0))
    place = rng.choice(("kommune", "point", "both", "both", "none"))
    return Query(
        types=types,
        kommune=kommune_ if place in ("kommune", "both") else None,
        point=point if place in ("point", "both") else None,
        include_national=rng.random() < 0.8,
        limit=rng.randint(1, 12),
        sort=Sort.WAIT if rng.random() < 0.15 else Sort.DISTANCE,
        **filters,
    )


def _brute_force(session, query: Query) -> tuple[list[str], bool]:
    """The documented rules, applied to every service at once."""
    kommune_ = query.kommune or (G.kommune_at(*query.point) if query.point else None)
    origin = query.point or ((kommune_.lat, kommune_.lon) if kommune_ else None)
    points: dict[str, list] = {}
    for p in session.scalars(select(ServicePoint)):
        points.setdefault(p.service_id, []).append(p)
    fitting = [s for s in session.scalars(select(Service)) if _fits(s, query)]
    national = {s.id for s in fitting if any(a.scope == "country" for a in s.service_areas)}

    def rank(service_id: str, only_kommune: bool = False) -> tuple[float, int]:
        ranks = [(_haversine(origin, (p.latitude, p.longitude)), p.id) for p in points.get(service_id, [])
                 if not only_kommune or p.kommune_number == kommune_.number] if origin else []
        return min(ranks, default=(math.inf, 2**63))

    if query.sort is Sort.WAIT:
        chosen = [s for s in fitting if query.include_national or s.id not in national]
        chosen = [s for s in chosen if query.radius_km is None or rank(s.id)[0] <= query.radius_km]
        chosen.sort(key=lambda s: (s.wait_weeks is None, s.wait_weeks or 0, rank(s.id), s.id))
        return [s.id for s in chosen][: query.limit], False
    located = [s for s in fitting if s.id not in national and s.id in points and origin]
    local = [s.id for s in located if kommune_ and any(p.kommune_number == kommune_.number for p in points[s.id])]
    reach = query.radius_km or NEARBY_KM
    locals_ = sorted((i for i in local if query.radius_km is None or rank(i, True)[0] <= query.radius_km),
                     key=lambda i: (rank(i, True), i))
    others = sorted((s.id for s in located if s.id not in local and rank(s.id)[0] <= reach),
                    key=lambda i: (rank(i), i))
    nationals = [s.id for s in sorted(fitting, key=lambda s: (s.name, s.id)) if s.id in national]
    nationals = nationals if query.include_national else []
    fallback = origin is not None and not locals_
    if not fallback or not nationals:
        return (locals_ + others + nationals)[: query.limit], fallback
    places = min(len(nationals), max(1, query.limit // 2))
    nearby = others[: query.limit - places]
    return nearby + nationals[: query.limit - len(nearby)], fallback


def _fits(s: Service, query: Query) -> bool:
    if s.status != "active" or (query.types and not set(s.type_codes) & {ServiceType(t).value for t in query.types}):
        return False
    for prop in FILTER_PROPERTIES:
        wanted = getattr(query, column_name(prop))
        if wanted is not None and getattr(s, column_name(prop)) is not wanted:
            return False
    if query.age is not None and not (
        (s.minimum_age is None or s.minimum_age <= query.age) and (s.maximum_age is None or s.maximum_age >= query.age)
    ):
        return False
    if query.language and not language_codes(query.language) & {language.code for language in s.languages}:
        return False
    return query.open_at is None or bool(is_open(s.schedules, query.open_at, s.open_on_holidays))



def test_open_door_first_puts_services_without_referral_before_nearer_ones_that_need_it(catalogue):
    user = near(BERGEN)
    search = catalogue(
        service("dps nær", kommuner=(BERGEN,), at=near(BERGEN, east_km=0.5), referral_required=True),
        service("rusteam lenger unna", kommuner=(BERGEN,), at=near(BERGEN, north_km=4), referral_required=False),
        service("ukjent om henvisning", kommuner=(BERGEN,), at=near(BERGEN, north_km=5)),
        service("askøy med henvisning", kommuner=(ASKOY,), at=near(ASKOY), referral_required=True),
        service("askøy uten", kommuner=(ASKOY,), at=near(ASKOY, north_km=2), referral_required=False),
    )
    assert names(search(Query(kommune=BERGEN, point=user, limit=10))) == [
        "dps nær", "rusteam lenger unna", "ukjent om henvisning", "askøy med henvisning", "askøy uten"]
    assert names(search(Query(kommune=BERGEN, point=user, limit=10, open_door_first=True))) == [
        "rusteam lenger unna", "ukjent om henvisning", "dps nær", "askøy uten", "askøy med henvisning"]
    assert names(search(Query(kommune=BERGEN, point=user, limit=2, open_door_first=True))) == [
        "rusteam lenger unna", "ukjent om henvisning"]
