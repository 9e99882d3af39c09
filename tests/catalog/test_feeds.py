"""Any HSDS 3.0 feed imports: every shape, with no Veiviser extension, losing no field through an export.

The feeds in tests/catalog/feeds/ are hand-written from the HSDS 3.0 schemas (each is checked against
them here first). A record without a source is stored *unverified*, one without a service type
*untyped*: staff see both, marked; the chat never does until they are sourced and mapped.
"""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services_catalog.db import session_factory
from services_catalog.datapackage import export_datapackage
from services_catalog.feeds import Feed, FeedError, TypeMap, resolve_area
from services_catalog.geography import Gazetteer
from services_catalog.hsds import ImportFailed, import_files
from services_catalog.hsds_export import all_services, service_to_hsds
from services_catalog.models import Service
from services_catalog.search import Query, find_services
from tests.support.hsds import validator as core_validator

FEEDS = Path(__file__).parent / "feeds"
# Each hand-written feed, the HSDS object schema its objects follow, and where in the file they are.
SHAPES = {
    "service.json": ("service.json", lambda doc: [doc]),
    "service_list.json": ("service.json", lambda doc: doc["contents"]),
    "organization.json": ("organization.json", lambda doc: [doc]),
    "service_at_location.json": ("service_at_location.json", lambda doc: [doc]),
    "service_at_location_list.json": ("service_at_location.json", lambda doc: doc["contents"]),
}
PAGE = "https://example.org/feed"


@pytest.fixture
def session(empty_catalogue_url):
    with session_factory(empty_catalogue_url)() as session:
        yield session


def exported(session) -> dict[str, dict[str, Any]]:
    return {service.id: service_to_hsds(service) for service in all_services(session)}


def keeps(given: Any, out: Any, path: str = "") -> list[str]:
    """Where `out` lost or changed something of `given` (dict keys and list items by id, or by place)."""
    if isinstance(given, dict):
        if not isinstance(out, dict):
            return [path]
        return [lost for key, value in given.items() for lost in keeps(value, out.get(key), f"{path}.{key}")]
    if isinstance(given, list):
        if not isinstance(out, list):
            return [path]
        by_id = {item.get("id"): item for item in out if isinstance(item, dict)}
        return [lost for n, item in enumerate(given)
                for lost in keeps(item, by_id.get(item.get("id")) if isinstance(item, dict) else out[n:n + 1][0] if n < len(out) else None,
                                  f"{path}[{n}]")]
    return [] if given == out else [f"{path}: {given!r} became {out!r}"]


@pytest.mark.parametrize("feed", sorted(SHAPES))
def test_each_hand_written_feed_is_valid_hsds(feed):
    """Checked against the HSDS 3.0 object schemas, nested objects too (a nested service or location by its own)."""
    schema_name, objects = SHAPES[feed]
    for obj in objects(json.loads((FEEDS / feed).read_text(encoding="utf-8"))):
        assert not list(core_validator(schema_name).iter_errors(obj))
        for name, nested in (("service.json", obj.get("service")), ("location.json", obj.get("location")),
                             *(("service.json", service) for service in obj.get("services") or [])):
            if nested is not None:
                assert not list(core_validator(name).iter_errors(nested)), (feed, name)


@pytest.mark.parametrize("feed, count", [("service.json", 1), ("service_list.json", 2), ("organization.json", 2),
                                         ("service_at_location.json", 1), ("service_at_location_list.json", 1)])
def test_every_shape_imports_and_keeps_every_field_through_an_export(session, feed, count):
    assert import_files(session, [FEEDS / feed]).services == count
    session.commit()
    out = exported(session)
    document = json.loads((FEEDS / feed).read_text(encoding="utf-8"))
    for obj in SHAPES[feed][1](document):
        if "services" in obj:  # an organization: each of its services, with the organization beside it
            organization = {key: value for key, value in obj.items() if key != "services"}
            for service in obj["services"]:
                assert not keeps(service, out[service["id"]]), keeps(service, out[service["id"]])
                assert not keeps(organization, out[service["id"]]["organization"])
        elif "service" in obj:  # a service_at_location: the service, with the place among its locations
            service = out[obj["service"]["id"]]
            assert not keeps(obj["service"], service)
            place = next(sal for sal in service["service_at_locations"] if sal["id"] == obj["id"])
            assert not keeps({k: v for k, v in obj.items() if k != "service"}, place), place
        else:
            assert not keeps(obj, out[obj["id"]]), keeps(obj, out[obj["id"]])


def test_two_places_of_one_service_make_one_service_with_both(session):
    import_files(session, [FEEDS / "service_at_location_list.json"])
    [service] = exported(session).values()
    assert sorted(sal["location"]["name"] for sal in service["service_at_locations"]) == ["North", "South"]


def test_a_minimal_csv_datapackage_imports(session, tmp_path):
    """Only the tables a spreadsheet person fills in: an organization and its services."""
    _write_csv(tmp_path / "organizations.csv", [{"id": "o-1", "name": "Org", "description": "An organisation"}])
    _write_csv(tmp_path / "services.csv", [{"id": "s-1", "organization_id": "o-1", "name": "Drop-in", "status": "active"},
                                           {"id": "s-2", "organization_id": "o-1", "name": "Helpline", "status": "active"}])
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "minimal", "resources": []}), encoding="utf-8")
    assert import_files(session, [tmp_path / "datapackage.json"]).services == 2


def test_a_feed_source_stamps_every_record_and_fact_that_names_none(session):
    feed = Feed(source_url=PAGE, source_date=date(2026, 11, 1), checked=date(2026, 12, 4))
    import_files(session, [FEEDS / "service.json"], feed=feed)
    [service] = exported(session).values()
    assert service["x_sources"] == [{"id": service["x_sources"][0]["id"], "url": PAGE, "page_date": "2026-11-01",
                                     "checked": "2026-12-04"}]
    assert {p["x_source_url"] for p in service["phones"]} == {PAGE}
    assert service["assured_date"] == "2026-12-04"
    assert service["metadata"][0]["updated_by"] == "Feed editor", "the feed's own metadata is kept"


def test_a_record_with_neither_source_nor_type_waits_outside_the_chat(session):
    import_files(session, [FEEDS / "service.json"])
    session.commit()
    [stored] = session.scalars(select(Service)).all()
    assert not stored.sources and not stored.types
    bergen = Gazetteer.load().resolve("Bergen").kommune
    chat = find_services(session, Query(kommune=bergen, limit=50), Gazetteer.load())
    staff = find_services(session, Query(kommune=bergen, limit=50, include_unreviewed=True), Gazetteer.load())
    assert stored.id not in {m.service.id for m in chat.matches}
    assert stored.id in {m.service.id for m in staff.matches}


def test_a_mapped_and_sourced_record_reaches_the_chat(session):
    feed = Feed(source_url=PAGE, type_map=TypeMap.load(FEEDS / "type-map.yml"))
    import_files(session, [FEEDS / "service.json"], feed=feed)
    session.commit()
    [stored] = session.scalars(select(Service)).all()
    assert stored.type_codes == ["avrusning"]
    bergen = Gazetteer.load().resolve("Bergen").kommune
    chat = find_services(session, Query(types=frozenset({"avrusning"}), kommune=bergen, limit=50), Gazetteer.load())
    assert stored.id in {m.service.id for m in chat.matches}
    assert any(a["taxonomy_term"]["taxonomy"] == "open-eligibility" for a in exported(session)[stored.id]["attributes"])


@pytest.mark.parametrize("name, uri", [
    ("Bergen kommune", "urn:ssb:kommune:4601"), ("Vestland", "urn:ssb:fylke:46"), ("Vestland fylke", "urn:ssb:fylke:46"),
    ("Romsa", "urn:ssb:kommune:5501"), ("Vestlandet", None), ("Herøy", None),  # two kommuner have that name
])
def test_an_area_named_in_words_resolves_to_one_kommune_or_fylke(name, uri):
    assert resolve_area(name, Gazetteer.load()) == uri


def test_a_free_text_area_is_kept_and_a_named_one_is_placed(session):
    import_files(session, [FEEDS / "service_list.json", FEEDS / "service.json"])
    session.commit()
    areas = {a.name: (a.scope, a.code) for s in session.scalars(select(Service)) for a in s.service_areas}
    assert areas == {"Vestland": ("fylke", "46"), "Bergen kommune": ("kommune", "4601")}


@pytest.mark.parametrize("content, says", [
    ("taxonomies: {open-eligibility: {'1102': [avrusing]}}", "avrusing"),
    ("just: text", "expected `taxonomies:`"),
    ("taxonomies: [", "unreadable"),
])
def test_a_bad_type_map_says_what_to_fix(tmp_path, content, says):
    path = tmp_path / "map.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FeedError, match=says):
        TypeMap.load(path)


def test_a_feed_with_no_services_is_refused_by_name(session, tmp_path):
    path = tmp_path / "nothing.json"
    path.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    with pytest.raises(ImportFailed, match="no service objects found"):
        import_files(session, [path])


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_the_services_wrapper_is_not_mistaken_for_an_organization(session, tmp_path):
    """`{"services": [...]}` (the shipped form) keeps each service's own organization."""
    listed = json.loads((FEEDS / "service_list.json").read_text(encoding="utf-8"))["contents"]
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"services": listed}), encoding="utf-8")
    import_files(session, [path])
    assert exported(session)[listed[0]["id"]]["organization"]["name"] == "List organisation"


def test_a_published_wait_in_a_mapped_feed_takes_the_feeds_page(session, tmp_path):
    """The wait needs its page as every fact does; stamping and mapping together must keep both."""
    service = json.loads((FEEDS / "service.json").read_text(encoding="utf-8"))
    service["attributes"].append({"id": "ff000000-0000-4000-8000-000000000091", "value": "6",
                                  "taxonomy_term": {"id": "t-wait", "code": "wait-weeks", "name": "wait-weeks",
                                                    "description": "wait-weeks", "taxonomy": "veiviser-egenskap"}})
    path = tmp_path / "waits.json"
    path.write_text(json.dumps(service), encoding="utf-8")
    import_files(session, [path], feed=Feed(source_url=PAGE, type_map=TypeMap.load(FEEDS / "type-map.yml")))
    session.commit()
    [stored] = session.scalars(select(Service)).all()
    assert (stored.wait_weeks, stored.wait_source_url, stored.type_codes) == (6.0, PAGE, ["avrusning"])


def test_a_feeds_other_fields_survive_the_csv_datapackage(session, tmp_path):
    """JSON in, CSV out, CSV in, JSON out: plain fields and lists of objects come back (CSV keeps text only)."""
    import_files(session, [FEEDS / "service.json"])
    session.commit()
    export_datapackage(list(exported(session).values()), tmp_path / "package")
    import_files(session, [tmp_path / "package"])  # replaces the record, and what it keeps, by id
    session.commit()
    [again] = exported(session).values()
    given = json.loads((FEEDS / "service.json").read_text(encoding="utf-8"))
    as_text = json.loads(json.dumps(given), parse_int=str, parse_float=str)  # CSV has no types
    for key in ("interpretation_services", "fees", "wait_time", "alert", "assurer_email", "last_modified"):
        assert again[key] == given[key], key
    assert not keeps(as_text["contacts"], again["contacts"]) and not keeps(as_text["cost_options"], again["cost_options"])
    assert not keeps(as_text["metadata"], again["metadata"])
    location = again["service_at_locations"][0]["location"]
    assert not keeps(as_text["service_at_locations"][0]["location"]["accessibility"], location["accessibility"])
    assert location["transportation"] == "Bus 2" and location["addresses"][0]["address_2"] == "2. etasje"
