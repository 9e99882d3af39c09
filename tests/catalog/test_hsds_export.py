"""Export is valid HSDS 3.0, and export -> import -> export loses nothing, in JSON and CSV."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import jsonschema
import pytest

from services_catalog.datapackage import export_datapackage
from services_catalog.db import session_factory
from services_catalog.hsds import ImportFailed, import_files
from services_catalog.hsds_export import all_services, export_json, service_to_hsds
from tests.conftest import ROOT
from tests.support.hsds import COMPLETE, SCHEMA

# What the product keeps of a record; ids of attributes and terms are ours to choose.
def kept(service: dict) -> dict:
    location = service["service_at_locations"][0]["location"]
    return {
        **{k: sorted(v, key=lambda x: x["id"]) if isinstance(v, list) else v
           for k, v in service.items() if k not in ("attributes", "service_at_locations", "organization", "organization_id")},
        "organization": {k: service["organization"][k] for k in ("id", "name")},
        "types": sorted(a["taxonomy_term"]["code"] for a in service["attributes"]
                        if a["taxonomy_term"]["taxonomy"] == "veiviser-tjenestetype"),
        "properties": sorted((a["taxonomy_term"]["code"], a["value"]) for a in service["attributes"]
                             if a["taxonomy_term"]["taxonomy"] == "veiviser-egenskap"),
        "location": {k: location.get(k) for k in ("id", "name", "latitude", "longitude")},
        "address": {k: location["addresses"][0][k] for k in ("address_1", "city", "postal_code")},
    }


@pytest.fixture
def fresh(empty_catalogue_url):
    def session():
        return session_factory(empty_catalogue_url)()
    return session


def test_the_complete_example_is_valid_hsds():
    jsonschema.validate(COMPLETE, SCHEMA)


def test_a_valid_hsds_record_imports_without_loss(fresh, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([COMPLETE]))
    with fresh() as session:
        import_files(session, [path])
        session.commit()
        exported = service_to_hsds(all_services(session)[0])
    assert kept(exported) == kept(COMPLETE)


def test_every_exported_service_is_valid_hsds(catalogue_url):
    with session_factory(catalogue_url)() as session:
        services = [service_to_hsds(s) for s in all_services(session)]
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    errors = [(s["id"], e.message) for s in services for e in validator.iter_errors(s)]
    assert services and not errors, errors[:5]


def test_the_schema_check_can_fail():
    broken = dict(COMPLETE, minimum_age="sixteen")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_json_export_import_export_is_identical(fresh, catalogue_url, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    with session_factory(catalogue_url)() as session:
        count = export_json(session, first)
    with fresh() as session:
        assert import_files(session, [first]).services == count
        session.commit()
        export_json(session, second)
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text())["total_items"] == count > 50


def test_csv_datapackage_round_trip_is_identical(fresh, catalogue_url, tmp_path):
    with session_factory(catalogue_url)() as session:
        original = [service_to_hsds(s) for s in all_services(session)]
    export_datapackage(original, tmp_path / "package")
    with fresh() as session:
        import_files(session, [tmp_path / "package" / "datapackage.json"])
        session.commit()
        again = [service_to_hsds(s) for s in all_services(session)]
    assert again == original


def test_csv_problems_name_the_csv_file_record_and_field(fresh, catalogue_url, tmp_path):
    with session_factory(catalogue_url)() as session:
        export_datapackage([service_to_hsds(s) for s in all_services(session)], tmp_path / "package")
    services_csv = tmp_path / "package" / "services.csv"
    rows = list(csv.DictReader(services_csv.open(encoding="utf-8")))
    rows[0]["assured_date"] = "forrige uke"
    _rewrite(services_csv, rows)
    with fresh() as session, pytest.raises(ImportFailed) as failure:
        import_files(session, [tmp_path / "package"])
    assert [(p.file, p.record_id, p.field) for p in failure.value.problems] == [
        (str(services_csv), rows[0]["id"], "assured_date")
    ]


@pytest.mark.parametrize("table,column,bad,field", [
    ("phones.csv", "number", "", "phones.number"),
    ("schedules.csv", "opens_at", "kl. 9", "schedules.opens_at"),
    ("locations.csv", "latitude", "nord", "service_at_locations.location.latitude"),
    ("attributes.csv", "value", "kanskje", "attributes.drop-in"),
])
def test_a_problem_names_the_csv_file_the_bad_value_is_in(fresh, tmp_path, table, column, bad, field):
    """Records are checked as rebuilt service objects; the person must still be sent to the right table."""
    (tmp_path / "complete.json").write_text(json.dumps([COMPLETE]), encoding="utf-8")
    with fresh() as session:  # the shipped catalogue has no verified addresses, so no locations.csv rows
        import_files(session, [tmp_path / "complete.json"])
        export_datapackage([service_to_hsds(s) for s in all_services(session)], tmp_path / "package")
    path = tmp_path / "package" / table
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    drop_in = _drop_in_term(tmp_path)
    target = next(row for row in rows if table != "attributes.csv" or row["taxonomy_term_id"] == drop_in)
    target[column] = bad
    _rewrite(path, rows)
    with fresh() as session, pytest.raises(ImportFailed) as failure:
        import_files(session, [tmp_path / "package"])
    assert [(Path(p.file).name, p.field) for p in failure.value.problems] == [(table, field)]


def _rewrite(table: Path, rows: list[dict]) -> None:
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)


def _drop_in_term(tmp_path) -> str:
    terms = csv.DictReader((tmp_path / "package" / "taxonomy_terms.csv").open(encoding="utf-8"))
    return next(term["id"] for term in terms if term["code"] == "drop-in")


@pytest.mark.parametrize(
    "table,content,says",
    [
        ("service_at_location.csv", '"id","service_id","location_id"\r\n"","x","y"\r\n', "row 2 has no id"),
        ("addresses.csv", '"id","location_id"\r\n"a\x00","x"\r\n', "line contains NUL"),
    ],
)
def test_a_broken_csv_table_is_named_not_a_crash(fresh, catalogue_url, tmp_path, table, content, says):
    """Found by tests/fuzz: a row without an id was a KeyError, a NUL a csv.Error, and the command crashed."""
    with session_factory(catalogue_url)() as session:
        export_datapackage([service_to_hsds(s) for s in all_services(session)[:3]], tmp_path / "package")
    (tmp_path / "package" / table).write_text(content, encoding="utf-8")
    with fresh() as session, pytest.raises(ImportFailed) as failure:
        import_files(session, [tmp_path / "package"])
    [problem] = failure.value.problems
    assert problem.message.startswith("unreadable") and table in problem.message and says in problem.message


@pytest.mark.parametrize(
    "content",
    ['{"services": [', '"just text"', "[1, 2]", '[{"id": "x", "name": "y", "phones": ["not an object"]}]',
     '{"contents": [{"id": "x", "name": "y", "schedules": [{"opens_at": 7}]}]}'],
)
def test_broken_files_give_problems_not_crashes(fresh, tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with fresh() as session, pytest.raises(ImportFailed) as failure:
        import_files(session, [path])
    assert failure.value.problems and all(p.file == str(path) for p in failure.value.problems)


def test_the_example_in_the_format_docs_imports(fresh, tmp_path):
    """docs/catalogue-format.md shows a complete record; it must stay true."""
    text = (ROOT / "docs" / "catalogue-format.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)\n```", text, re.S).group(1))
    jsonschema.validate(example, SCHEMA)
    path = tmp_path / "example.json"
    path.write_text(json.dumps([example]))
    with fresh() as session:
        assert import_files(session, [path]).services == 1


def test_translations_survive_the_csv_datapackage(fresh, tmp_path):
    """Spreadsheet people keep x_translations as rows (x_translations.csv); nothing is lost on the way."""
    (tmp_path / "complete.json").write_text(json.dumps([COMPLETE]), encoding="utf-8")
    with fresh() as session:
        import_files(session, [tmp_path / "complete.json"])
        session.commit()
        export_datapackage([service_to_hsds(s) for s in all_services(session)], tmp_path / "package")
    assert "Drop in, no appointment." in (tmp_path / "package" / "x_translations.csv").read_text(encoding="utf-8")
    with fresh() as session:
        for service in all_services(session):
            session.delete(service)
        session.commit()
        import_files(session, [tmp_path / "package" / "datapackage.json"])
        session.commit()
        [again] = [service_to_hsds(s) for s in all_services(session)]
    assert again["x_translations"] == COMPLETE["x_translations"]
    assert {s["id"]: s.get("x_translations") for s in again["schedules"]} == {
        s["id"]: s.get("x_translations") for s in COMPLETE["schedules"]}
