"""Synthetic catalogues: deterministic, plainly not real, plausible, and the bulk loader agrees with import."""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from services_catalog.db import make_engine, migrate, session_factory
from services_catalog.geography import Gazetteer
from services_catalog.hsds import import_files
from services_catalog.models import Base
from services_catalog.opening_hours import usable_rule
from bench.synthetic import NAME_PREFIX, SYNTHETIC_SOURCE, generate, load, random_place
from services_catalog.taxonomy import PROPERTY_TAXONOMY, SERVICE_TYPE_TAXONOMY, Property, ServiceType

G = Gazetteer.load()
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_the_same_seed_gives_the_same_services_and_any_slice_alone():
    first = list(generate(40, seed=3))
    assert first == list(generate(40, seed=3))
    assert list(generate(10, seed=3, start=25)) == first[25:35]
    assert first != list(generate(40, seed=4))


def test_every_service_says_it_is_synthetic_and_carries_nothing_that_could_reach_a_real_person():
    for obj in generate(300, seed=1):
        assert re.fullmatch(rf"{NAME_PREFIX} \d+", obj["name"])
        assert obj["organization"]["name"].startswith("Syntetisk organisasjon")
        source = [a["value"] for a in obj["attributes"] if a["taxonomy_term"]["code"] == Property.SOURCE.value]
        assert source == [SYNTHETIC_SOURCE]
        assert "phones" not in obj and "url" not in obj and "email" not in obj
        assert not re.search(r"\d{8}", json.dumps(obj["description"]))  # no phone-number-like digits
        for sal in obj["service_at_locations"]:
            assert sal["location"]["addresses"][0]["address_1"] == "Syntetisk adresse"
        ids = [obj["id"], obj["organization"]["id"], *(a["id"] for a in obj["attributes"])]
        assert all(UUID.match(i) for i in ids)


def test_the_importer_accepts_them_and_the_bulk_loader_writes_the_same_rows(empty_catalogue_url, tmp_path: Path):
    """Two databases: one through hsds.import_files, one through load(); every table must match."""
    services = list(generate(150, seed=7))
    path = tmp_path / "synthetic.json"
    path.write_text(json.dumps({"services": services}), encoding="utf-8")
    imported_url = f"sqlite:///{tmp_path / 'imported.sqlite'}"
    migrate(make_engine(imported_url))
    with session_factory(imported_url)() as session:
        assert import_files(session, [path]).services == 150
        session.commit()
    with session_factory(empty_catalogue_url)() as session:
        report = load(session, 150, seed=7, batch_size=40)
        session.commit()
    assert report.services == 150
    assert _rows(imported_url) == _rows(empty_catalogue_url)


def _rows(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted; the index's own row numbers and the random revision token are left out,
    and so is the feed's own object, which the bulk loader does not keep (synthetic.py says why)."""
    tables = {}
    left_out = {("service_point", "id"), ("service", "hsds_original")}
    with session_factory(url)() as session:
        for table in (t for t in Base.metadata.sorted_tables if t.name != "catalogue_revision"):
            columns = [c for c in table.c if (table.name, c.name) not in left_out]
            rows = session.execute(select(*columns)).all()
            tables[table.name] = sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)
    return tables


def _plain(value):
    return round(value, 9) if isinstance(value, float) else value


def test_services_follow_the_population_and_stay_inside_their_kommune():
    services = list(generate(1500, seed=2))
    home = Counter(a["uri"].rsplit(":", 1)[1] for s in services for a in s["service_areas"][:1]
                   if a["uri"].startswith("urn:ssb:kommune:"))
    assert home.most_common(1)[0][0] == "0301"  # Oslo
    assert home["0301"] > 5 * home.get("5501", 0) > 0  # Oslo far ahead of Tromsø, Tromsø present
    for obj in services:
        areas = {a["uri"].rsplit(":", 1)[1] for a in obj["service_areas"]}
        for sal in obj["service_at_locations"]:
            found = G.kommune_at(sal["location"]["latitude"], sal["location"]["longitude"])
            assert found is not None and (found.number in areas or found.fylke_number in areas)


def test_the_mix_has_every_type_property_and_kind_of_hours():
    services = list(generate(3000, seed=5))
    types = Counter(a["taxonomy_term"]["code"] for s in services for a in s["attributes"]
                    if a["taxonomy_term"]["taxonomy"] == SERVICE_TYPE_TAXONOMY)
    assert set(types) == {t.value for t in ServiceType}
    properties = Counter(a["taxonomy_term"]["code"] for s in services for a in s["attributes"]
                         if a["taxonomy_term"]["taxonomy"] == PROPERTY_TAXONOMY)
    assert set(properties) == {p.value for p in Property}
    scopes = Counter(a["uri"].split(":")[2] for s in services for a in s["service_areas"])
    assert scopes["kommune"] > scopes["fylke"] > scopes["country"] > 0
    rules = [r for s in services for r in s["schedules"]]
    assert all(usable_rule(_Rule(r)) for r in rules)
    assert any(r["closes_at"] < r["opens_at"] for r in rules)  # past midnight
    assert any(r["closes_at"] == "24:00" for r in rules)  # around the clock
    assert any("SA" in r["byday"] or "SU" in r["byday"] for r in rules)  # weekends
    assert any(r["opens_at"] >= "17:00" for r in rules)  # evenings
    assert sum(1 for s in services if not s["schedules"]) > len(services) / 10  # hours unknown
    assert sum(1 for s in services if not s["service_at_locations"]) > len(services) / 10  # no verified address
    assert any(s.get("minimum_age") for s in services) and any(s["status"] != "active" for s in services)


class _Rule:
    """A schedule dict read as opening_hours reads a row."""

    def __init__(self, obj: dict) -> None:
        self.freq, self.byday = obj["freq"], obj["byday"]
        self.opens_at, self.closes_at, self.timezone = obj["opens_at"], obj["closes_at"], obj["timezone"]
        self.valid_from = self.valid_to = None


def test_places_to_search_from_follow_the_population_too():
    rng = random.Random(1)
    places = [random_place(rng) for _ in range(400)]
    kommuner = Counter(k.number for k, _ in places)
    assert kommuner.most_common(1)[0][0] == "0301"
    assert all(G.kommune_at(*point).number == k.number for k, point in places)
