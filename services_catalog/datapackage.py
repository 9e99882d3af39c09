"""HSDS 3.0 tabular form: a folder of CSV files and a datapackage.json.

Spreadsheet people keep catalogues this way. Both directions go through the
HSDS service objects of hsds_export/hsds, so a CSV record is checked by the
same rules as a JSON one, and its problems name the CSV file it came from.
"""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Iterator

from services_catalog.hsds_export import derived_id

# HSDS table -> (file, the columns we fill, in HSDS order).
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("organizations.csv", ("id", "name", "description", "email", "website")),
    "service": ("services.csv", (
        "id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
        "application_process", "fees_description", "eligibility_description", "minimum_age", "maximum_age",
        "assured_date")),
    "location": ("locations.csv", (
        "id", "location_type", "name", "description", "latitude", "longitude", "x_point_precision", "x_source_url")),
    "address": ("addresses.csv", ("id", "location_id", "address_1", "city", "state_province", "postal_code", "country",
                                  "address_type")),
    "service_at_location": ("service_at_location.csv", ("id", "service_id", "location_id")),
    "phone": ("phones.csv", ("id", "service_id", "number", "type", "description", "x_source_url")),
    "schedule": ("schedules.csv", (
        "id", "service_id", "valid_from", "valid_to", "timezone", "freq", "byday", "description",
        "opens_at", "closes_at", "x_source_url")),
    "service_area": ("service_areas.csv", ("id", "service_id", "name", "extent_type", "uri")),
    "language": ("languages.csv", ("id", "service_id", "name", "code")),
    "taxonomy": ("taxonomies.csv", ("id", "name", "description")),
    "taxonomy_term": ("taxonomy_terms.csv", ("id", "code", "name", "description", "taxonomy", "taxonomy_id")),
    "attribute": ("attributes.csv", ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value")),
    # Not an HSDS table: the pages a service's facts come from (extension x_sources, docs/catalogue-format.md).
    "x_source": ("x_sources.csv", ("id", "service_id", "url", "page_date", "checked", "note")),
    # Not an HSDS table: free text in other languages (extension x_translations), one row per language and
    # field, linked like an attribute to the service or schedule it translates.
    "x_translation": ("x_translations.csv", ("id", "link_type", "link_id", "language", "field", "text")),
}
# Children listed on a service object, by table and the service object's key.
SERVICE_CHILDREN = {"phone": "phones", "schedule": "schedules", "service_area": "service_areas", "language": "languages",
                    "x_source": "x_sources"}
# A problem's field on the rebuilt service object (hsds.py) -> the table it was read from; first match wins.
FIELD_TABLES = (
    ("service_at_locations.location.addresses", "address"),
    *((f"service_at_locations.location.{column}", "address") for column in ("address_1", "postal_code", "city")),
    ("service_at_locations.location", "location"),
    ("service_at_locations", "service_at_location"),
    ("organization", "organization"),
    ("attributes", "attribute"),
    ("x_translations", "x_translation"),
    ("schedules.x_translations", "x_translation"),
    ("types", "attribute"),
    *((key, table) for table, key in SERVICE_CHILDREN.items()),
)
# The service's list fields the tables above hold; any other list of objects gets a table of its own.
SERVICE_MODELLED = {*SERVICE_CHILDREN.values(), "service_at_locations", "attributes"}
INTEGER_COLUMNS = {"minimum_age", "maximum_age"}
NUMBER_COLUMNS = {"latitude", "longitude"}


def is_datapackage(path: Path) -> bool:
    return path.is_dir() or path.name == "datapackage.json"


def export_datapackage(services: list[dict[str, Any]], directory: Path) -> int:
    """Write HSDS service objects (from hsds_export.service_to_hsds) as CSV tables.

    Besides the tables the product reads, a feed's other fields come back too: plain values as
    extra columns of their table, lists of objects (contacts, funding, ...) as tables of their own,
    linked by service_id, location_id or organization_id. Values nested deeper are left out.
    """
    directory.mkdir(parents=True, exist_ok=True)
    rows = _flatten(services)
    tables = {**TABLES, **{name: (f"{name}.csv", ("id",)) for name in rows if name not in TABLES}}
    for table, (file, known) in tables.items():
        columns = [*known, *sorted({key for row in rows[table].values() for key, value in row.items()
                                    if key not in known and _plain_value(value)})]
        with open(directory / file, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            # A service's sources keep their order: the first is the page that shows the service exists.
            in_order = rows[table].values() if table == "x_source" else sorted(rows[table].values(), key=lambda r: r["id"])
            writer.writerows(in_order)
    (directory / "datapackage.json").write_text(json.dumps(_descriptor(tables), indent=1) + "\n", encoding="utf-8")
    return len(services)


def _plain_value(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _other_lists(obj: dict[str, Any], modelled: set[str]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(table, position, row) for each object in a list field the product does not model."""
    for key, value in obj.items():
        if key not in modelled and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            yield from ((key, n, item) for n, item in enumerate(value))


def read_datapackage(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """Service objects rebuilt from the tables, each with the CSV file it came from."""
    directory = path if path.is_dir() else path.parent
    tables = {table: _read(directory / file) for table, (file, _columns) in TABLES.items()}
    translations = _translations(tables)
    for schedule in tables["schedule"]:
        if ("schedule", schedule["id"]) in translations:
            schedule["x_translations"] = translations["schedule", schedule["id"]]
    by_service: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for table, key in SERVICE_CHILDREN.items():
        for row in tables[table]:
            by_service[row.get("service_id", "")][key].append(_without(row, "service_id"))
    locations = _locations(tables)
    organizations = {row["id"]: row for row in tables["organization"]}
    _attach_other_tables(directory, by_service, locations, organizations)
    for row in tables["service_at_location"]:
        location = locations.get(row.get("location_id", ""), {"id": row.get("location_id")})
        by_service[row.get("service_id", "")]["service_at_locations"].append(
            {**_without(row, "service_id", "location_id"), "location": location})
    attributes = _attributes(tables)
    file = services_file(path)
    return [
        (file, {
            **_typed(row),
            **by_service[row.get("id", "")],
            "attributes": attributes.get(row.get("id", ""), []),
            **({"x_translations": translations["service", row["id"]]} if ("service", row["id"]) in translations else {}),
            **({"organization": organizations[row["organization_id"]]} if row.get("organization_id") in organizations else {}),
        })
        for row in tables["service"]
    ]


def _attach_other_tables(directory: Path, by_service: dict[str, Any], locations: dict[str, dict[str, Any]],
                         organizations: dict[str, dict[str, Any]]) -> None:
    """Tables the product does not read (contacts.csv, funding.csv, accessibility.csv, ...) are kept too.

    Each row goes, under its table's name, to the service, location or organization it names, so
    that it is stored with the record and comes back in a JSON export.
    """
    known = {file for file, _columns in TABLES.values()}
    for path in sorted(directory.glob("*.csv")):
        if path.name in known:
            continue
        for row in _read(path, need_id=False):
            if row.get("service_id"):
                by_service[row["service_id"]][path.stem].append(_without(row, "service_id"))
            elif row.get("location_id") in locations:
                locations[row["location_id"]].setdefault(path.stem, []).append(_without(row, "location_id"))
            elif row.get("organization_id") in organizations:
                organizations[row["organization_id"]].setdefault(path.stem, []).append(_without(row, "organization_id"))


def table_file(services_csv: str, field: str) -> str:
    """The CSV file a problem's field was read from, next to the package's services.csv.

    Records are checked as rebuilt service objects, so a bad phone number is
    found on `phones.number` of the service; the person must fix phones.csv.
    """
    for prefix, table in FIELD_TABLES:
        if field == prefix or field.startswith(f"{prefix}."):
            return str(Path(services_csv).with_name(TABLES[table][0]))
    return services_csv


def services_file(path: Path) -> str:
    """Where read_datapackage says every service object of this package came from."""
    return str((path if path.is_dir() else path.parent) / TABLES["service"][0])


def _flatten(services: Iterable[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for service in services:
        sid = service["id"]
        rows["service"][sid] = service
        if service.get("organization"):
            rows["organization"][service["organization"]["id"]] = service["organization"]
        for table, key in SERVICE_CHILDREN.items():
            for child in service.get(key, []):
                rows[table][child["id"]] = {**child, "service_id": sid}
        _add_other(rows, service, SERVICE_MODELLED, "service_id")
        if service.get("organization"):
            _add_other(rows, service["organization"], set(), "organization_id")
        for link_type, obj in [("service", service), *(("schedule", s) for s in service.get("schedules", []))]:
            for row in _translation_rows(link_type, obj):
                rows["x_translation"][row["id"]] = row
        for sal in service.get("service_at_locations", []):
            location = sal["location"]
            rows["service_at_location"][sal["id"]] = {"id": sal["id"], "service_id": sid, "location_id": location["id"]}
            rows["location"][location["id"]] = location
            _add_other(rows, location, {"addresses"}, "location_id")
            for address in location.get("addresses", []):
                rows["address"][address["id"]] = {**address, "location_id": location["id"]}
        for attribute in service.get("attributes", []):
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            if not isinstance(term, dict) or not isinstance(term.get("id"), str):
                continue  # no term a table row could point to
            taxonomy_id = term.get("taxonomy_id") or derived_id("taxonomy", str(term.get("taxonomy")))
            term = {**term, "taxonomy_id": taxonomy_id}
            rows["taxonomy_term"][term["id"]] = term
            rows["taxonomy"][taxonomy_id] = {"id": taxonomy_id, "name": term.get("taxonomy")}
            rows["attribute"][attribute["id"]] = {
                "id": attribute["id"], "link_id": sid, "taxonomy_term_id": term["id"],
                "link_type": "service", "link_entity": "service", "value": attribute.get("value"),
            }
    return rows


def _add_other(rows: dict[str, dict[str, dict[str, Any]]], obj: dict[str, Any], modelled: set[str], link: str) -> None:
    for table, position, item in _other_lists(obj, modelled):
        row_id = item.get("id") if isinstance(item.get("id"), str) else derived_id(str(obj.get("id")), table, str(position))
        rows[table][row_id] = {**item, "id": row_id, link: obj.get("id")}


def _translation_rows(link_type: str, obj: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for language, texts in (obj.get("x_translations") or {}).items():
        for field, text in texts.items():
            yield {"id": derived_id(obj["id"], "x_translation", language, field), "link_type": link_type,
                   "link_id": obj["id"], "language": language, "field": field, "text": text}


def _translations(tables: dict[str, list[dict[str, str]]]) -> dict[tuple[str, str], dict[str, dict[str, str]]]:
    """`x_translations` per (link_type, link_id), rebuilt from the rows."""
    found: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in tables["x_translation"]:
        key = (row.get("link_type", ""), row.get("link_id", ""))
        found[key][row.get("language", "")][row.get("field", "")] = row.get("text", "")
    return found


def _locations(tables: dict[str, list[dict[str, str]]]) -> dict[str, dict[str, Any]]:
    addresses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables["address"]:
        addresses[row.get("location_id", "")].append(_without(row, "location_id"))
    return {
        row["id"]: {**_typed(row), **({"addresses": addresses[row["id"]]} if addresses[row["id"]] else {})}
        for row in tables["location"]
    }


def _attributes(tables: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, Any]]]:
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables["attribute"]:
        term = terms.get(row.get("taxonomy_term_id", ""), {"id": row.get("taxonomy_term_id")})
        attribute = {"id": row["id"], "taxonomy_term": term, **({"value": row["value"]} if row.get("value") else {})}
        found[row.get("link_id", "")].append(attribute)
    return found


def _read(path: Path, need_id: bool = True) -> list[dict[str, str]]:
    """A missing table is an empty one: a small catalogue need not have every file.

    Raises ValueError naming the file and line where the CSV is broken or a
    row has no id (every table's rows are found by id), so the import can
    report it rather than crash.
    """
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            rows = [{k: v for k, v in row.items() if v not in ("", None)} for row in reader]
        except csv.Error as error:
            raise ValueError(f"{path.name} line {reader.line_num}: {error}") from None
    for number, row in enumerate(rows, start=2):
        if need_id and not isinstance(row.get("id"), str):
            raise ValueError(f"{path.name}: row {number} has no id")
    return rows


def _typed(row: dict[str, str]) -> dict[str, Any]:
    """CSV knows only text; give numbers back their type (bad ones stay text for the validator to name)."""
    typed: dict[str, Any] = dict(row)
    for column in INTEGER_COLUMNS & row.keys():
        typed[column] = int(row[column]) if row[column].lstrip("-").isdigit() else row[column]
    for column in NUMBER_COLUMNS & row.keys():
        try:
            typed[column] = float(row[column])
        except ValueError:
            pass
    return typed


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


def _descriptor(tables: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, Any]:
    return {
        "name": "veiviser-catalogue",
        "profile": "tabular-data-package",
        "id": derived_id("datapackage", "veiviser"),
        "resources": [
            {"name": table, "path": file, "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"fields": [{"name": column, "type": "string"} for column in columns]}}
            for table, (file, columns) in tables.items()
        ],
    }
