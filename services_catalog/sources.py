"""Turn the curated source files (YAML, docs/catalogue-sources.md) into HSDS 3.0 service objects.

People keep the catalogue as one reviewable record per service, each fact
citing the public page that states it. This module checks those rules and
writes the records as the HSDS objects the importer reads, carrying the
source trail in the extension fields `x_sources` and `x_source_url`
(docs/catalogue-format.md). It reports every problem with file, record and
field, and builds nothing from a file that has one.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import yaml

from services_catalog.geography import Gazetteer
from services_catalog.hsds import WEB_URL, ImportFailed, Problem
from services_catalog.models import UNDATED
from services_catalog.taxonomy import PROPERTY_TAXONOMY, SERVICE_TYPE_TAXONOMY, Property, ServiceType
from services_catalog.translations import SERVICE_FIELDS, read_translations

SOURCES_DIR = Path(__file__).resolve().parent / "data" / "sources"
HEALTH_REGIONS = {
    "helse-nord": "Helse Nord",
    "helse-midt": "Helse Midt-Norge",
    "helse-vest": "Helse Vest",
    "helse-sor-ost": "Helse Sør-Øst",
}
OWNERS = {
    "helseforetak": "Offentlig helseforetak",
    "privat-avtale": "Privat, med avtale med et regionalt helseforetak",
    "ideell-avtale": "Ideell, med avtale med et regionalt helseforetak",
    "kommune": "Kommunal tjeneste",
    "frivillig": "Frivillig organisasjon",
    "stat": "Statlig tjeneste",
    "brukerorganisasjon": "Brukerorganisasjon",
}
ACCESS = {
    "referral": Property.REFERRAL_REQUIRED,
    "drop_in": Property.DROP_IN,
    "anonymous": Property.ANONYMOUS,
    "free": Property.FREE,
    "sobriety_required": Property.SOBRIETY_REQUIRED,
    "accepts_lar": Property.ACCEPTS_LAR,
    "for_relatives": Property.FOR_RELATIVES,
    "right_to_choose": Property.RIGHT_TO_CHOOSE,
}
AGES = {"min_age": "minimum_age", "max_age": "maximum_age"}
DAYS = {"mo": "MO", "tu": "TU", "we": "WE", "th": "TH", "fr": "FR", "sa": "SA", "su": "SU"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLOCK = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
# The languages a record may also be written in, each as a block of its own (`en:`).
TRANSLATED_LANGUAGES = ("en", "nn")
# Where on the map an address puts a service: the postcode's poststed, or only the kommune's centre.
POINT_PRECISION = {"town": "poststed", "kommune": "kommune"}


def stable_id(*parts: str) -> str:
    """HSDS ids derived from the slug, so rebuilding gives the same ids and links stay valid."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "veiviser:" + "/".join(parts)))


@dataclass
class Compiled:
    services: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def source_files(directory: Path = SOURCES_DIR) -> list[Path]:
    return sorted(directory.rglob("*.yml"))


def shipped_services() -> list[tuple[str, dict[str, Any]]]:
    """The shipped catalogue as (file, HSDS service object); ImportFailed names every problem."""
    compiled = compile_sources(source_files())
    if compiled.problems:
        raise ImportFailed(compiled.problems)
    return compiled.services


def compile_sources(paths: list[Path], gazetteer: Gazetteer | None = None) -> Compiled:
    """Every record of every file as (file, HSDS service object), or the problems that stop the build."""
    gazetteer = gazetteer or Gazetteer.load()
    compiled = Compiled()
    seen: dict[str, str] = {}
    for path in paths:
        for record, sources, report in _records(path, compiled.problems):
            slug = str(record.get("id"))
            if slug in seen:
                report("id", f"also used in {seen[slug]}")
                continue
            seen[slug] = str(path)
            service = _service(record, sources, gazetteer, report)
            if service is not None:
                compiled.services.append((str(path), service))
    return compiled


@dataclass
class Report:
    """Collects one record's problems; called as report(field, message)."""

    file: str
    record_id: str
    problems: list[Problem]
    count: int = 0

    def __call__(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.record_id, field_name, message))
        self.count += 1


def records(paths: list[Path]) -> Iterator[dict[str, Any]]:
    """Every record of the files as written, for tools that read them without building (translation stamps)."""
    for path in paths:
        for record, _sources, _report in _records(path, []):
            yield record


def _records(path: Path, problems: list[Problem]) -> Iterator[tuple[dict[str, Any], dict[str, Any], Report]]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        problems.append(Problem(str(path), "-", "-", f"unreadable: {error}"))
        return
    sources = document.get("sources") or {}
    services = document.get("services") or []
    if not isinstance(sources, dict) or not isinstance(services, list):
        problems.append(Problem(str(path), "-", "-", "expected `sources:` (a mapping) and `services:` (a list)"))
        return
    valid = {}
    for key, source in sources.items():
        found = _source_problems(source)
        problems += [Problem(str(path), f"source {key}", "-", message) for message in found]
        if not found:
            valid[key] = source
    for record in services:
        record = record if isinstance(record, dict) else {}
        yield record, valid, Report(str(path), str(record.get("id", "?")), problems)


def _source_problems(source: Any) -> list[str]:
    if not isinstance(source, dict):
        return ["must have url, page_date and checked"]
    found = []
    if not isinstance(source.get("url"), str) or not WEB_URL.match(source["url"]):
        found.append(f"url must be a web address, not {source.get('url')!r}")
    if source.get("page_date") != UNDATED and not isinstance(source.get("page_date"), date):
        found.append(f"page_date must be a date (YYYY-MM-DD) or {UNDATED!r}, not {source.get('page_date')!r}")
    if not isinstance(source.get("checked"), date):
        found.append(f"checked must be a date (YYYY-MM-DD), not {source.get('checked')!r}")
    return found


def _service(record: dict[str, Any], sources: dict[str, Any], gazetteer: Gazetteer, report: Report) -> dict | None:
    slug = record.get("id")
    if not isinstance(slug, str) or not SLUG.match(slug):
        report("id", "must be lowercase a-z, 0-9 and -")
        return None
    for required in ("name", "organization", "description"):
        if not isinstance(record.get(required), str) or not record[required].strip():
            report(required, "required")
    if record.get("owner") not in OWNERS:
        report("owner", f"must be one of {sorted(OWNERS)}")
    cited = _cited(record, sources, report)
    service = {
        "id": stable_id(slug),
        "name": record.get("name"),
        "description": record.get("description"),
        "status": "active",
        "assured_date": min((sources[k]["checked"] for k in cited if k in sources), default=None),
        "organization": _organization(record),
        "service_areas": _areas(slug, record.get("area"), gazetteer, report),
        "attributes": _types(record.get("types"), slug, report) + _properties(record, sources, slug, report),
        "phones": [_phone(slug, i, phone, sources, report) for i, phone in enumerate(record.get("phones") or [])],
        "schedules": _schedules(slug, record, sources, report),
        "service_at_locations": _locations(slug, record.get("address"), sources, gazetteer, report),
        "x_sources": [_source(slug, sources[key]) for key in cited if key in sources],
        **_translated(record, report),
        **_ages(record, report),
    }
    if record.get("website"):
        if not WEB_URL.match(str(record["website"])):
            report("website", f"must be a web address, not {record['website']!r}")
        service["url"] = record["website"]
    if isinstance(service["assured_date"], date):
        service["assured_date"] = service["assured_date"].isoformat()
    return None if report.count else service


def _translated(record: dict[str, Any], report: Report) -> dict[str, Any]:
    """A record's `en:` (or `nn:`) block: its description, and hours_note, as we wrote them in that language."""
    blocks = {language: record[language] for language in TRANSLATED_LANGUAGES if language in record}
    services = {language: {key: text for key, text in block.items() if key != "hours_note"}
                for language, block in blocks.items() if isinstance(block, dict)}
    for language, block in blocks.items():
        if not isinstance(block, dict):
            report(language, "must hold description (and hours_note) in that language")
        elif "hours_note" in block and not isinstance(record.get("hours_note"), dict):
            report(f"{language}.hours_note", "translates an hours_note the record does not have")
    translations = read_translations(services, SERVICE_FIELDS, report, "translations")
    return {"x_translations": translations} if translations else {}


def _cited(record: dict[str, Any], sources: dict[str, Any], report: Report) -> list[str]:
    """The record's own sources first (what proves the service), then those its facts cite, each once."""
    own = record.get("source")
    own = [own] if isinstance(own, str) else own if isinstance(own, list) else []
    if not own:
        report("source", "every record needs at least one source key")
    facts = [item.get("source") for key in ("phones", "hours") for item in record.get(key) or [] if isinstance(item, dict)]
    facts += [(record.get(key) or {}).get("source") for key in ("address", "hours_note", "wait")
              if isinstance(record.get(key), dict)]
    keys = list(dict.fromkeys([*own, *(k for k in facts if k)]))
    for key in keys:
        if key not in sources:
            report("source", f"no valid source {key!r} in this file's sources")
    return keys


def _fact_source(item: dict[str, Any], sources: dict[str, Any], field_name: str, report: Report) -> str | None:
    key = item.get("source")
    if not key:
        report(field_name, "needs a source: the key of the page that states it")
        return None
    return sources[key]["url"] if key in sources and isinstance(sources[key], dict) else None


def _source(slug: str, source: dict[str, Any]) -> dict[str, Any]:
    page_date = source["page_date"]
    return {
        "id": stable_id(slug, "source", source["url"]),
        "url": source["url"],
        "page_date": page_date.isoformat() if isinstance(page_date, date) else UNDATED,
        "checked": source["checked"].isoformat(),
        **({"note": source["note"]} if source.get("note") else {}),
    }


def _organization(record: dict[str, Any]) -> dict[str, Any]:
    name = str(record.get("organization") or "")
    return {"id": stable_id("organization", name), "name": name, "description": OWNERS.get(record.get("owner"), "")}


def _areas(slug: str, area: Any, gazetteer: Gazetteer, report: Report) -> list[dict[str, Any]]:
    areas = area if isinstance(area, list) else [area]
    found: list[dict[str, Any]] = []
    for item in areas:
        scope, _, code = str(item).partition(":")
        if scope == "norge" and not code:
            found.append({"name": "Norge", "uri": "urn:iso:country:NO"})
        elif scope == "kommune" and (kommune := gazetteer.kommune(code)) is not None:
            found.append({"name": kommune.name, "uri": f"urn:ssb:kommune:{kommune.number}"})
        elif scope == "fylke" and (fylke := _fylke_name(gazetteer, code)):
            found.append({"name": fylke, "uri": f"urn:ssb:fylke:{code}"})
        elif scope == "region" and code in HEALTH_REGIONS:
            found += [{"name": name, "uri": f"urn:ssb:fylke:{number}"}
                      for number, name in _region_fylker(gazetteer, HEALTH_REGIONS[code])]
        else:
            report("area", f"unknown area {item!r}: kommune:NNNN, fylke:NN, region:{'|'.join(HEALTH_REGIONS)} or norge")
    return [{"id": stable_id(slug, "area", a["uri"]), "extent_type": "text", **a} for a in found]


def _fylke_of(gazetteer: Gazetteer, postcode: str | None) -> str:
    """HSDS requires a state_province; "" when the page gave no postcode to find the fylke by."""
    place = gazetteer.resolve(postcode) if postcode else None
    return place.kommune.fylke if place else ""


def _fylke_name(gazetteer: Gazetteer, code: str) -> str | None:
    return next((k.fylke for k in gazetteer.kommuner() if k.fylke_number == code), None)


def _region_fylker(gazetteer: Gazetteer, region: str) -> list[tuple[str, str]]:
    return sorted({(k.fylke_number, k.fylke) for k in gazetteer.kommuner() if k.health_region == region})


def _types(types: Any, slug: str, report: Report) -> list[dict[str, Any]]:
    known = {t.value for t in ServiceType}
    codes = types if isinstance(types, list) else []
    if not codes:
        report("types", "at least one service type is required")
    for code in codes:
        if code not in known:
            report("types", f"unknown service type {code!r}")
    return [_attribute(slug, SERVICE_TYPE_TAXONOMY, code) for code in codes if code in known]


def _properties(record: dict[str, Any], sources: dict[str, Any], slug: str, report: Report) -> list[dict[str, Any]]:
    access = record.get("access") or {}
    attributes = []
    for key, value in access.items():
        if key in AGES:
            continue
        if key not in ACCESS:
            report(f"access.{key}", f"unknown; use {', '.join([*ACCESS, *AGES])}")
        elif not isinstance(value, bool):
            report(f"access.{key}", f"must be true or false, not {value!r}")
        else:
            attributes.append(_attribute(slug, PROPERTY_TAXONOMY, ACCESS[key].value, "true" if value else "false"))
    wait = record.get("wait")
    if isinstance(wait, dict):
        url = _fact_source(wait, sources, "wait", report)
        if not isinstance(wait.get("weeks"), (int, float)) or not isinstance(wait.get("measured"), date):
            report("wait", "needs weeks (a number) and measured (the date the page gives)")
        else:
            attributes += [
                _attribute(slug, PROPERTY_TAXONOMY, Property.WAIT_WEEKS.value, str(wait["weeks"])),
                _attribute(slug, PROPERTY_TAXONOMY, Property.WAIT_MEASURED.value, wait["measured"].isoformat()),
                _attribute(slug, PROPERTY_TAXONOMY, Property.WAIT_SOURCE.value, url or ""),
            ]
    if record.get("note"):
        attributes.append(_attribute(slug, PROPERTY_TAXONOMY, Property.SOURCE.value, str(record["note"])))
    return attributes


def _attribute(slug: str, taxonomy: str, code: str, value: str | None = None) -> dict[str, Any]:
    term = {"id": stable_id("taxonomy_term", taxonomy, code), "code": code, "taxonomy": taxonomy}
    return {"id": stable_id(slug, "attribute", code), "taxonomy_term": term, **({"value": value} if value else {})}


def _ages(record: dict[str, Any], report: Report) -> dict[str, int]:
    access = record.get("access") or {}
    ages = {}
    for key, column in AGES.items():
        if key in access:
            if isinstance(access[key], int) and not isinstance(access[key], bool) and 0 <= access[key] <= 120:
                ages[column] = access[key]
            else:
                report(f"access.{key}", f"must be an age in years, not {access[key]!r}")
    return ages


def _phone(slug: str, index: int, phone: Any, sources: dict[str, Any], report: Report) -> dict[str, Any]:
    phone = phone if isinstance(phone, dict) else {}
    number = str(phone.get("number") or "").strip()
    if not re.fullmatch(r"\+?[\d ]{3,20}", number):
        report("phones.number", f"must be digits and spaces, not {phone.get('number')!r}")
    return {
        "id": stable_id(slug, "phone", str(index)),
        "number": number,
        **({"description": phone["description"]} if phone.get("description") else {}),
        "x_source_url": _fact_source(phone, sources, "phones", report),
    }


def _schedules(slug: str, record: dict[str, Any], sources: dict[str, Any], report: Report) -> list[dict[str, Any]]:
    schedules = []
    for index, hours in enumerate(record.get("hours") or []):
        hours = hours if isinstance(hours, dict) else {}
        days = hours.get("days") or []
        if not days or any(str(day).lower() not in DAYS for day in days):
            report("hours.days", f"days must be some of {' '.join(DAYS)}, not {days!r}")
        for key in ("opens", "closes"):
            if not CLOCK.match(str(hours.get(key))):
                report(f"hours.{key}", f"must be HH:MM, not {hours.get(key)!r}")
        schedules.append({
            "id": stable_id(slug, "schedule", str(index)),
            "freq": "WEEKLY",
            "byday": ",".join(DAYS.get(str(day).lower(), "") for day in days),
            "opens_at": str(hours.get("opens")),
            "closes_at": str(hours.get("closes")),
            "description": "Norsk tid",
            "x_source_url": _fact_source(hours, sources, "hours", report),
        })
    note = record.get("hours_note")
    if isinstance(note, dict):
        translated = {language: {"description": block["hours_note"]} for language in TRANSLATED_LANGUAGES
                      if isinstance(block := record.get(language), dict) and isinstance(block.get("hours_note"), str)}
        schedules.append({"id": stable_id(slug, "schedule", "note"), "description": str(note.get("text") or ""),
                          "x_source_url": _fact_source(note, sources, "hours_note", report),
                          **({"x_translations": translated} if translated else {})})
    return schedules


def _locations(slug: str, address: Any, sources: dict[str, Any], gazetteer: Gazetteer, report: Report) -> list:
    """An address, placed at its postcode's poststed (or kommune) centre; a postbox is no place to go."""
    if not isinstance(address, dict):
        return []
    street, postbox = address.get("street"), address.get("postbox")
    postcode = str(address.get("postcode") or "") or None
    if postcode and not re.fullmatch(r"\d{4}", postcode):
        report("address.postcode", f"must be 4 digits, not {postcode!r}")
        postcode = None
    location: dict[str, Any] = {
        "id": stable_id(slug, "location"),
        "location_type": "physical" if street else "postal",
        "addresses": [{"id": stable_id(slug, "address"), "address_1": street or postbox, "postal_code": postcode or "",
                       "city": address.get("city") or "", "state_province": _fylke_of(gazetteer, postcode),
                       "country": "NO", "address_type": "physical" if street else "postal"}],
        "x_source_url": _fact_source(address, sources, "address", report),
    }
    point = gazetteer.postcode_point(postcode) if postcode and street else None
    if point is not None:
        lat, lon, precision = point
        location.update(latitude=lat, longitude=lon, x_point_precision=POINT_PRECISION.get(precision, precision))
    return [{"id": stable_id(slug, "service_at_location"), "location": location}]
