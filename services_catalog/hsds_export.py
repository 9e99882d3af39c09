"""Write the catalogue as HSDS 3.0: the same service objects the importer reads.

Export then re-import gives the same catalogue, and exporting twice gives the
same bytes: records come out in id order, and ids we do not store (those of
property attributes and taxonomy terms) are derived from what they name.
"""
from __future__ import annotations

import json
import math
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services_catalog.geography import Gazetteer
from services_catalog.models import UNDATED, Location, Schedule, Service, ServiceSource
from services_catalog.taxonomy import (
    BOOLEAN_PROPERTIES,
    PROPERTY_TAXONOMY,
    SERVICE_TYPE_TAXONOMY,
    Property,
    ServiceType,
    column_name,
)

# Namespace for ids derived from names (uuid5), so they are stable across exports.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:veiviser:hsds")


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def all_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.id)))


def export_json(session: Session, path: Path, page_size: int = 100) -> int:
    """One HSDS paginated service list holding every page's contents (the API's shape, in one file)."""
    services = [service_to_hsds(s) for s in all_services(session)]
    document = {
        "total_items": len(services),
        "total_pages": max(1, math.ceil(len(services) / page_size)),
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "contents": services,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(services)


def service_to_hsds(service: Service) -> dict[str, Any]:
    obj = {
        **_plain(service, "id", "name", "alternate_name", "description", "url", "email", "status",
                 "application_process", "fees_description", "eligibility_description", "minimum_age", "maximum_age"),
        "assured_date": _iso(service.assured_date),
        "organization": _organization(service),
        "phones": [_sourced(_plain(p, "id", "number", "type", "description"), p) for p in _by_id(service.phones)],
        "schedules": [_schedule(s) for s in _by_id(service.schedules)],
        "service_areas": [_plain(a, "id", "name", "uri") for a in _by_id(service.service_areas)],
        "languages": [_plain(l, "id", "name", "code") for l in _by_id(service.languages)],
        "service_at_locations": [
            {"id": sal.id, "location": _location(sal.location)} for sal in _by_id(service.service_at_locations)
        ],
        "attributes": _type_attributes(service) + _property_attributes(service),
        "x_sources": [_source(source) for source in service.sources],
        "x_translations": service.translations,
    }
    if service.organization_id:
        obj["organization_id"] = service.organization_id
    original = service.hsds_original if isinstance(service.hsds_original, dict) else {}
    obj = _with_original(original, obj)
    obj["attributes"] += [a for a in original.get("attributes") or [] if _foreign(a)]
    for area in obj["service_areas"]:
        area.setdefault("extent_type", "text")
    for at_location in obj["service_at_locations"]:
        _address_defaults(at_location["location"])
    return _without_empty(obj)


def _with_original(original: Any, ours: Any) -> Any:
    """Ours over the object as its feed gave it: what the product models is ours, the rest comes back as given.

    List items meet by id; a list of one (the one address a location holds here) meets its one
    counterpart and keeps the feed's id. Our "" (a required field we do not know) keeps the feed's value.
    """
    if ours == "" and original not in (None, ""):
        return original
    if isinstance(original, dict) and isinstance(ours, dict):
        return {**original, **{key: _with_original(original.get(key), value) for key, value in ours.items()}}
    if isinstance(original, list) and isinstance(ours, list):
        by_id = {_id(item): item for item in original if _id(item)}
        if len(ours) == len(original) == 1 and _id(ours[0]) and _id(ours[0]) not in by_id and _id(original[0]):
            return [{**_with_original(original[0], ours[0]), "id": _id(original[0])}]
        return [_with_original(by_id.get(_id(item)), item) for item in ours]
    return ours


def _id(item: Any) -> str | None:
    """A list item's HSDS id, where it has one that is text (a feed may send anything)."""
    identifier = item.get("id") if isinstance(item, dict) else None
    return identifier if isinstance(identifier, str) and identifier else None


def _foreign(attribute: Any) -> bool:
    """An attribute of a taxonomy not ours: kept as the feed gave it (ours are made from the columns)."""
    term = (attribute.get("taxonomy_term") or {}) if isinstance(attribute, dict) else {}
    return term.get("taxonomy") not in (SERVICE_TYPE_TAXONOMY, PROPERTY_TAXONOMY)


def taxonomy_term(taxonomy: str, code: str) -> dict[str, Any]:
    term: ServiceType | Property = ServiceType(code) if taxonomy == SERVICE_TYPE_TAXONOMY else Property(code)
    return {
        "id": derived_id("taxonomy_term", taxonomy, code),
        "code": code,
        "name": term.label_nb,
        "description": term.label_en,
        "taxonomy": taxonomy,
        "taxonomy_id": derived_id("taxonomy", taxonomy),
    }


def _type_attributes(service: Service) -> list[dict[str, Any]]:
    return [
        {"id": link.id, "taxonomy_term": taxonomy_term(SERVICE_TYPE_TAXONOMY, link.code)}
        for link in sorted(service.types, key=lambda l: l.code)
    ]


def _property_attributes(service: Service) -> list[dict[str, Any]]:
    values: dict[Property, Any] = {p: getattr(service, column_name(p)) for p in BOOLEAN_PROPERTIES}
    values[Property.WAIT_WEEKS] = service.wait_weeks
    values[Property.WAIT_MEASURED] = _iso(service.wait_measured)
    values[Property.WAIT_SOURCE] = service.wait_source_url
    values[Property.SOURCE] = service.source
    return [
        {
            "id": derived_id("attribute", service.id, prop.value),
            "value": _text_value(value),
            "taxonomy_term": taxonomy_term(PROPERTY_TAXONOMY, prop.value),
        }
        for prop, value in values.items()
        if value is not None
    ]


def _text_value(value: Any) -> str:
    """HSDS attribute values are strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _organization(service: Service) -> dict[str, Any] | None:
    org = service.organization
    return _without_empty(_plain(org, "id", "name", "description", "website", "email")) if org else None


def _source(source: ServiceSource) -> dict[str, Any]:
    """The extension `x_sources` (docs/catalogue-format.md): a page, its own date or "undated", and when we read it."""
    return {
        "id": source.id,
        "url": source.url,
        "page_date": _iso(source.page_date) or UNDATED,
        "checked": _iso(source.checked),
        "note": source.note,
    }


def _sourced(obj: dict[str, Any], record: Any) -> dict[str, Any]:
    return {**obj, "x_source_url": record.source_url}


def _schedule(schedule: Schedule) -> dict[str, Any]:
    return {
        **_plain(schedule, "id", "freq", "byday", "opens_at", "closes_at", "description"),
        "x_source_url": schedule.source_url,
        "x_translations": schedule.translations,
        "timezone": _utc_offset(schedule.timezone),
        "valid_from": _iso(schedule.valid_from),
        "valid_to": _iso(schedule.valid_to),
    }


def _utc_offset(timezone: str | None) -> float | None:
    """HSDS writes a zone as a UTC offset; an IANA name (our default, Europe/Oslo) has no HSDS form."""
    try:
        return float(timezone) if timezone is not None else None
    except ValueError:
        return None


def _location(location: Location) -> dict[str, Any]:
    address = _plain(location, "address_1", "postal_code", "city")
    obj = _plain(location, "id", "location_type", "name", "description", "latitude", "longitude")
    obj["x_point_precision"] = location.point_precision
    obj["x_source_url"] = location.source_url
    if any(address.values()):
        # HSDS requires postal_code and state_province; "" where the source did not give them.
        obj["addresses"] = [{"id": derived_id("address", location.id), **address,
                             "address_1": location.address_1 or "", "postal_code": location.postal_code or "",
                             "state_province": _fylke(location)}]
    return obj


def _address_defaults(location: dict[str, Any]) -> None:
    """What HSDS requires of an address and a feed may already say (another country, a postal address)."""
    for address in location.get("addresses") or []:
        address.setdefault("country", "NO")
        address.setdefault("address_type", "postal" if location.get("location_type") == "postal" else "physical")


def _fylke(location: Location) -> str:
    kommune = Gazetteer.load().kommune(location.kommune_number) if location.kommune_number else None
    return kommune.fylke if kommune else ""


def _plain(record: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _by_id(records: list[Any]) -> list[Any]:
    return sorted(records, key=lambda r: r.id)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _without_empty(obj: dict[str, Any]) -> dict[str, Any]:
    """HSDS leaves out what is unknown; so do we, rather than writing nulls."""
    cleaned = {}
    for key, value in obj.items():
        if isinstance(value, dict):
            value = _without_empty(value)
        elif isinstance(value, list):
            value = [_without_empty(v) if isinstance(v, dict) else v for v in value]
        if value is not None and value != []:
            cleaned[key] = value
    return cleaned
