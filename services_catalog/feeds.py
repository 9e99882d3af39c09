"""Any HSDS 3.0 feed, in whatever shape the standard allows, as the service objects Veiviser stores.

Directories hand each other HSDS as a service, a (paginated) list of services,
an organization with its services, or a service_at_location (and lists of
those). Each shape becomes service objects here, before the importer checks them.

A feed as a whole can also say where it comes from (`Feed.source_url`, from
`veiviser catalog import --source`) and how its own taxonomy maps onto
Veiviser's service types (`TypeMap`, docs/hsds-profile/README.md). A record
with no source stays *unverified* and a record with no type *untyped*: both
are stored and shown to staff, marked, and neither reaches the chat.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from services_catalog.geography import Gazetteer, fold
from services_catalog.hsds_export import derived_id, taxonomy_term
from services_catalog.models import UNDATED
from services_catalog.taxonomy import PROPERTY_TAXONOMY, SERVICE_TYPE_TAXONOMY, Property, ServiceType

# Fields only an organization has, and only a service has (HSDS 3.0 schemas), to tell the two apart.
ORGANIZATION_ONLY = {"services", "website", "tax_status", "tax_id", "year_incorporated", "legal_status", "logo",
                     "parent_organization_id", "organization_identifiers", "programs"}
SERVICE_ONLY = {"status", "organization_id", "url", "service_areas", "service_at_locations", "application_process",
                "eligibility_description", "assured_date", "x_sources"}
# Words around an area's name that do not name it ("Bergen kommune", "Vestland fylke").
AREA_FILLER = {"kommune", "kommunen", "fylke", "fylket", "fylkeskommune", "herad", "heradet"}


class FeedError(ValueError):
    """A feed-level setting (source, date, type map) that cannot be used; says what to fix."""


@dataclass(frozen=True)
class TypeMap:
    """A feed's taxonomy terms -> Veiviser service types: {(taxonomy, code): (type, ...)}."""

    terms: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> TypeMap:
        """Read a mapping file (YAML: `taxonomies: {taxonomy: {code: [type, ...]}}`); FeedError names what is wrong."""
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise FeedError(f"{path}: unreadable: {error}") from None
        taxonomies = document.get("taxonomies") if isinstance(document, dict) else None
        if not isinstance(taxonomies, dict):
            raise FeedError(f"{path}: expected `taxonomies:` mapping each taxonomy's codes to service types")
        known = {t.value for t in ServiceType}
        terms: dict[tuple[str, str], tuple[str, ...]] = {}
        for taxonomy, codes in taxonomies.items():
            for code, types in (codes or {}).items() if isinstance(codes, dict) else []:
                types = [types] if isinstance(types, str) else types
                unknown = [t for t in types or [] if t not in known]
                if not types or unknown:
                    raise FeedError(f"{path}: {taxonomy} {code}: map to some of {', '.join(sorted(known))}, "
                                    f"not {unknown or types!r}")
                terms[str(taxonomy), str(code)] = tuple(types)
        return cls(terms)

    def types_of(self, attributes: Iterable[Any]) -> list[str]:
        """The service types a record's foreign taxonomy terms map to, in the order first met."""
        found: list[str] = []
        for attribute in attributes:
            term = _term(attribute)
            for code in self.terms.get((str(term.get("taxonomy")), str(term.get("code"))), ()):
                if code not in found:
                    found.append(code)
        return found


@dataclass(frozen=True)
class Feed:
    """What is said of a whole feed when it is imported: the page it comes from, and how to read its taxonomy."""

    source_url: str | None = None
    source_date: date | None = None  # the feed's own date; None: undated
    checked: date = field(default_factory=date.today)
    type_map: TypeMap = field(default_factory=TypeMap)

    def prepare(self, obj: Any, gazetteer: Gazetteer) -> Any:
        """The object as Veiviser reads it: stamped with the feed's source, its terms mapped, its areas placed.

        The object handed in is kept as it came (the importer stores it for export), so this copies.
        """
        if not isinstance(obj, dict):
            return obj
        prepared = {**obj}
        if self.source_url and not obj.get("x_sources"):
            _stamp(prepared, self)
        mapped = [code for code in self.type_map.types_of(_listed(obj, "attributes")) if code not in _own_types(obj)]
        if mapped:
            prepared["attributes"] = [*_listed(prepared, "attributes"),
                                      *(_type_attribute(str(obj.get("id")), code) for code in mapped)]
        if isinstance(obj.get("service_areas"), list):
            prepared["service_areas"] = [_placed(area, gazetteer) for area in obj["service_areas"]]
        return prepared


def service_objects(document: Any) -> list[Any] | None:
    """The service objects in any HSDS 3.0 JSON shape; None when the document holds none."""
    if isinstance(document, list):
        return [service for item in document for service in _services_in(item)]
    if not isinstance(document, dict):
        return None
    for key in ("contents", "services"):
        if isinstance(document.get(key), list) and not _is_organization(document):
            return [service for item in document[key] for service in _services_in(item)]
    if "id" in document or _is_organization(document) or _is_service_at_location(document):
        return _services_in(document)
    return None


def _services_in(item: Any) -> list[Any]:
    """One list item's services: a service itself, an organization's, a service_at_location's."""
    if not isinstance(item, dict):
        return [item]  # the importer names it as a malformed record
    if _is_organization(item):
        organization = {key: value for key, value in item.items() if key != "services"}
        return [{**service, "organization": organization, "organization_id": item.get("id")}
                if isinstance(service, dict) else service for service in item.get("services") or []]
    if _is_service_at_location(item):
        return [_from_service_at_location(item)]
    return [item]


def _is_organization(item: dict[str, Any]) -> bool:
    """An organization, with its services or (in an organization list) without: never a service itself.

    HSDS requires an organization's name, which tells one from the `{"services": [...]}` wrapper.
    """
    return "name" in item and bool(ORGANIZATION_ONLY & item.keys()) and not SERVICE_ONLY & item.keys()


def _is_service_at_location(item: dict[str, Any]) -> bool:
    return isinstance(item.get("service"), dict) or bool(item.get("service_id") and item.get("location_id"))


def _from_service_at_location(item: dict[str, Any]) -> dict[str, Any]:
    """A service_at_location is a service at one place: the service, with that place among its locations."""
    service = {**(item.get("service") or {"id": item.get("service_id")})}
    at_location = {key: value for key, value in item.items() if key != "service"}
    service["service_at_locations"] = [*(service.get("service_at_locations") or []), at_location]
    return service


def merge_by_service(objects: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A list of service_at_locations names one service once per place: join them into one service object."""
    merged: dict[str, tuple[str, Any]] = {}
    kept: list[tuple[str, Any]] = []
    for file, obj in objects:
        key = obj.get("id") if isinstance(obj, dict) else None
        if not isinstance(key, str) or key not in merged:
            if isinstance(key, str):
                merged[key] = (file, obj)
            kept.append((file, obj))
            continue
        first = merged[key][1]
        first["service_at_locations"] = [*(first.get("service_at_locations") or []),
                                         *(obj.get("service_at_locations") or [])]
        for name, value in obj.items():
            first.setdefault(name, value)
    return kept


def _term(attribute: Any) -> dict[str, Any]:
    """An attribute's taxonomy term; {} for one that is not shaped as HSDS says (the importer names it)."""
    term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
    return term if isinstance(term, dict) else {}


def _own_types(obj: dict[str, Any]) -> set[str]:
    return {_term(a).get("code") for a in _listed(obj, "attributes") if _term(a).get("taxonomy") == SERVICE_TYPE_TAXONOMY}


def _listed(obj: dict[str, Any], key: str) -> list[Any]:
    """A list field, or none where the feed gave something else (the importer names that)."""
    value = obj.get(key)
    return value if isinstance(value, list) else []


def _type_attribute(service_id: str, code: str) -> dict[str, Any]:
    return {"id": derived_id(service_id, "mapped-type", code), "taxonomy_term": taxonomy_term(SERVICE_TYPE_TAXONOMY, code)}


def _stamp(obj: dict[str, Any], feed: Feed) -> None:
    """The feed's page is the source of every fact in it that names none."""
    page_date = feed.source_date.isoformat() if feed.source_date else UNDATED
    obj["x_sources"] = [{"id": derived_id("feed", str(obj.get("id")), str(feed.source_url)),
                         "url": feed.source_url, "page_date": page_date, "checked": feed.checked.isoformat()}]
    obj.setdefault("assured_date", feed.checked.isoformat())
    for key in ("phones", "schedules"):
        if isinstance(obj.get(key), list):
            obj[key] = [{"x_source_url": feed.source_url, **item} if isinstance(item, dict) else item for item in obj[key]]
    if isinstance(obj.get("service_at_locations"), list):
        obj["service_at_locations"] = [
            {**sal, "location": {"x_source_url": feed.source_url, **sal["location"]}}
            if isinstance(sal, dict) and isinstance(sal.get("location"), dict) else sal
            for sal in obj["service_at_locations"]]
    attributes = _listed(obj, "attributes")
    codes = {_term(a).get("code") for a in attributes}
    if Property.WAIT_WEEKS.value in codes and Property.WAIT_SOURCE.value not in codes:
        obj["attributes"] = [*attributes, {
            "id": derived_id(str(obj.get("id")), Property.WAIT_SOURCE.value), "value": feed.source_url,
            "taxonomy_term": taxonomy_term(PROPERTY_TAXONOMY, Property.WAIT_SOURCE.value)}]


def _placed(area: Any, gazetteer: Gazetteer) -> Any:
    """An area named in words ("Bergen kommune", "Vestland") gets its SSB code, where the name is one place."""
    if not isinstance(area, dict) or str(area.get("uri") or "").startswith(("urn:ssb:", "urn:iso:country:")):
        return area
    found = resolve_area(str(area.get("name") or area.get("extent") or ""), gazetteer)
    return {**area, "x_resolved_uri": found} if found else area


def resolve_area(text: str, gazetteer: Gazetteer) -> str | None:
    """The SSB URN of the one kommune or fylke a text names exactly; None when it names none, or several."""
    words = [word for word in fold(text).split() if word not in AREA_FILLER]
    key = " ".join(words)
    if not key:
        return None
    kommuner = {k.number for k in gazetteer.kommuner()
                if key == fold(k.name) or key in (fold(name) for name in k.alt_names)}
    if len(kommuner) == 1:
        return f"urn:ssb:kommune:{kommuner.pop()}"
    fylker = {k.fylke_number for k in gazetteer.kommuner() if key == fold(k.fylke)}
    return f"urn:ssb:fylke:{fylker.pop()}" if len(fylker) == 1 and not kommuner else None
