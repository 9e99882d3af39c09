from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services_catalog.sources import shipped_services
from services_catalog.db import session_factory
from services_catalog.hsds import ImportFailed, import_files, import_records
from services_catalog.models import Location, Service
from tests.support.hsds import COMPLETE


@pytest.fixture
def session(empty_catalogue_url: str):
    with session_factory(empty_catalogue_url)() as s:
        yield s


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Service))


def first_record() -> dict:
    return shipped_services()[0][1]


def test_shipped_catalogue_imports_and_every_record_has_source_and_date(session):
    report = import_records(session, shipped_services())
    session.commit()
    assert report.services == count(session) > 50
    for service in session.scalars(select(Service)):
        assert service.sources and service.assured_date is not None, service.name


def test_reimport_is_idempotent(session):
    import_records(session, shipped_services())
    session.commit()
    before = count(session)
    import_records(session, shipped_services())
    session.commit()
    assert count(session) == before


def test_a_bad_record_changes_nothing_and_every_problem_is_named(session, tmp_path):
    good = first_record()
    bad = dict(good, id="bad-1", status="maybe", assured_date="22.11.2026", x_sources="https://example.org")
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"services": [good, bad]}))

    with pytest.raises(ImportFailed) as failure:
        import_files(session, [path])

    problems = {(p.record_id, p.field) for p in failure.value.problems}
    assert ("bad-1", "status") in problems
    assert ("bad-1", "assured_date") in problems
    assert ("bad-1", "x_sources") in problems
    assert all(p.file == str(path) for p in failure.value.problems)
    assert count(session) == 0


def test_an_imported_address_knows_its_kommune(session, tmp_path):
    """Staff filter and export by kommune; the importer reads it off the coordinates."""
    places = {"8d6b8f1e-0000-4000-8000-00000000000a": (60.3913, 5.3221), "8d6b8f1e-0000-4000-8000-00000000000b": (66.0, 2.0)}
    services = []
    for n, (location_id, (lat, lon)) in enumerate(places.items()):
        record = dict(first_record(), id=f"8d6b8f1e-0000-4000-8000-00000000010{n}")
        record["service_at_locations"] = [{"id": f"8d6b8f1e-0000-4000-8000-00000000020{n}",
                                           "location": {"id": location_id, "latitude": lat, "longitude": lon}}]
        services.append(record)
    path = tmp_path / "located.json"
    path.write_text(json.dumps({"services": services}), encoding="utf-8")
    import_files(session, [path])
    session.commit()
    kommuner = dict(session.execute(select(Location.id, Location.kommune_number)).all())
    assert kommuner == dict(zip(places, ["4601", None]))  # Bergen; at sea, none


# Found by tests/fuzz: values the record checks let through but a column could not hold.
@pytest.mark.parametrize(
    "change,field,message",
    [
        (lambda r: r.update(alternate_name=False), "alternate_name", "must be text, not bool"),
        (lambda r: r["phones"][0].update(number="+47 " + "9" * 40), "phones.number", "at most 32 characters"),
        (lambda r: r["service_areas"][0].pop("id"), "service_areas.id", "required"),
        (lambda r: r["phones"][0].update(id=[]), "phones.id", "must be text, not list"),
        (lambda r: r.update(minimum_age=2**40), "minimum_age", "out of range"),
    ],
)
def test_a_value_its_column_cannot_hold_is_a_problem_not_a_crash(session, change, field, message):
    record = json.loads(json.dumps(COMPLETE))
    change(record)
    with pytest.raises(ImportFailed) as failure:
        import_records(session, [("test", record)])
    assert [(p.field, p.message) for p in failure.value.problems] == [(field, message)]
    session.rollback()
    assert count(session) == 0


def test_a_file_nested_too_deeply_is_unreadable_not_a_crash(session, tmp_path):
    """Found by tests/fuzz: Python's JSON parser recurses once per level."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 5000)
    with pytest.raises(ImportFailed) as failure:
        import_files(session, [path])
    assert [p.message for p in failure.value.problems] == ["unreadable: the JSON is nested too deeply"]
