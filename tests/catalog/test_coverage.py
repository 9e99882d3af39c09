"""The coverage report: per kommune and service type, what a person can reach, on a small catalogue made for it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from services_catalog.coverage import measure
from services_catalog.coverage_map import COLOURS, svg_map
from services_catalog.db import session_factory
from services_catalog.geography import Gazetteer
from services_catalog.hsds import import_records

BERGEN, ASKOY, TROMSO, OSLO = "4601", "4627", "5501", "0301"
PAGE = "https://example.org/side"


def service(name: str, types: list[str], uris: list[str], phone: bool = True, at: tuple | None = None,
            schedules: list[dict] | None = None) -> dict:
    obj = {
        "id": name, "name": name, "assured_date": "2026-12-01",
        "service_areas": [{"id": f"{name}-{n}", "uri": uri} for n, uri in enumerate(uris)],
        "attributes": [{"id": f"{name}-{t}", "taxonomy_term": {"code": t, "taxonomy": "veiviser-tjenestetype"}}
                       for t in types],
        "phones": [{"id": f"{name}-tlf", "number": "22 22 22 22", "x_source_url": PAGE}] if phone else [],
        "x_sources": [{"url": PAGE, "page_date": "undated", "checked": "2026-12-01"}],
        "schedules": [{"id": f"{name}-{n}", "x_source_url": PAGE, **s} for n, s in enumerate(schedules or [])],
    }
    if at:
        obj["service_at_locations"] = [{"id": f"{name}-sal", "location": {
            "id": f"{name}-loc", "latitude": at[0], "longitude": at[1], "x_point_precision": "address"}}]
    return obj


@pytest.fixture
def coverage(empty_catalogue_url: str):
    services = [
        service("rusteam-bergen", ["kommunal-rustjeneste"], [f"urn:ssb:kommune:{BERGEN}"]),
        service("avrusning-bergen", ["avrusning"], ["urn:ssb:fylke:46"], at=(60.3735, 5.3580)),
        service("hjelpelinje", ["hjelpetelefon"], ["urn:iso:country:NO"]),
        service("lar-troms", ["lar"], ["urn:ssb:fylke:55"]),
        service("avrusning-uten-telefon", ["avrusning"], [f"urn:ssb:kommune:{OSLO}"], phone=False),
        service("dor-tromso", ["kommunal-rustjeneste"], [f"urn:ssb:kommune:{TROMSO}"], phone=False),
        service("par-vestland", ["parorende"], ["urn:ssb:fylke:46"]),
        service("varmestue-bergen", ["varested"], [f"urn:ssb:kommune:{BERGEN}"],
                schedules=[{"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "10:00", "closes_at": "14:00"}]),
        service("kafe-tromso", ["varested"], [f"urn:ssb:kommune:{TROMSO}"],
                schedules=[{"description": "Åpent noen dager i uka; klokkeslett er ikke oppgitt."}]),
    ]
    with session_factory(empty_catalogue_url)() as session:
        import_records(session, [("test", s) for s in services])
        session.commit()
        return measure(session, Gazetteer.load(), km=100)


def test_each_kommune_gets_the_level_it_can_reach(coverage):
    levels = coverage.levels
    assert levels[("kommunal-rustjeneste", BERGEN)] == "local"
    assert levels[("kommunal-rustjeneste", ASKOY)] == "none"  # a kommune's own service is not Askøy's
    assert levels[("avrusning", BERGEN)] == "local" and levels[("avrusning", ASKOY)] == "regional"
    assert levels[("avrusning", TROMSO)] == "none"
    assert levels[("avrusning", OSLO)] == "none"  # without a phone a record is no help yet
    assert levels[("hjelpetelefon", TROMSO)] == "national"
    assert levels[("lar", TROMSO)] == "regional" and levels[("lar", BERGEN)] == "none"


def test_treatment_in_the_own_health_region(coverage):
    missing = coverage.missing_in_region()
    assert "Tromsø" in missing["avrusning"] and "Bergen" not in missing["avrusning"]
    assert "Tromsø" not in missing["lar"] and "Bergen" in missing["lar"]


def test_the_summary_covers_every_kommune_and_everyone(coverage):
    summary = coverage.summary("avrusning")
    assert sum(level["kommuner"] for level in summary.values()) == 357
    assert sum(level["population_share"] for level in summary.values()) == pytest.approx(1, abs=0.01)
    assert json.loads(json.dumps(coverage.report()))["kommuner"][BERGEN]["avrusning"] == "local"


def test_the_map_draws_every_kommune_in_its_colour(coverage):
    svg = svg_map(coverage, "avrusning", Gazetteer.load(), "Avrusning")
    assert svg.startswith("<svg") and svg.count("<path") == 357
    assert f'fill="{COLOURS["local"]}"><title>Bergen: i kommunen</title>' in svg


def test_the_command_reports_the_shipped_catalogue_and_draws_a_map(catalogue_url: str, tmp_path: Path):
    veiviser = str(Path(sys.executable).parent / "veiviser")
    out = tmp_path / "lar.svg"
    done = subprocess.run([veiviser, "catalog", "--url", catalogue_url, "coverage", "--json", "--map", "lar",
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    assert len(report["kommuner"]) == 357 and set(report["types"]["lar"]) == {"local", "regional", "national", "none"}
    assert out.read_text().count("<path") == 357
    refused = subprocess.run([veiviser, "catalog", "--url", catalogue_url, "coverage", "--map", "lar"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "--out" in refused.stderr


def test_local_targets_count_sourced_doors_without_phones_and_relatives_by_fylke(coverage):
    targets = coverage.local_targets
    assert targets["kommune_door"]["of"] == 100 and targets["low_threshold_hours"]["of"] == 20
    assert "Bergen" not in targets["kommune_door"]["missing"] and "Oslo" in targets["kommune_door"]["missing"]
    assert "Tromsø" not in targets["kommune_door"]["missing"]  # a sourced door counts, phone or not
    assert coverage.levels[("kommunal-rustjeneste", TROMSO)] == "none"  # but it is no help by phone
    hours = targets["low_threshold_hours"]["missing"]
    assert "Bergen" not in hours and "Tromsø" in hours  # hours in words are no weekly hours: "open now" can't use them
    relatives = targets["relatives_phone_by_fylke"]
    assert relatives["of"] == 15 and relatives["met"] == 1 and "Vestland" not in relatives["missing"]
