"""Read HSDS 3.0 service objects (JSON or CSV datapackage) into the catalogue, all or nothing.

Every problem is reported with file, record id and field, so whoever keeps
the data can fix a whole file in one pass; a file with any problem changes
nothing. Records are upserted by id, so re-importing is idempotent.
"""
from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import BigInteger, Column, Float, Integer, String, inspect
from sqlalchemy.orm import Session
from tqdm import tqdm

from services_catalog import feeds
from services_catalog.datapackage import is_datapackage, read_datapackage, services_file, table_file

from services_catalog.geography import Gazetteer
from services_catalog.hsds_export import derived_id
from services_catalog.models import (
    Base,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceSource,
    ServiceTypeLink,
    UNDATED,
)
from services_catalog.points import refresh_points
from services_catalog.translations import SCHEDULE_FIELDS, SERVICE_FIELDS, read_translations
from services_catalog.taxonomy import (
    BOOLEAN_PROPERTIES,
    PROPERTY_TAXONOMY,
    SERVICE_TYPE_TAXONOMY,
    Property,
    ServiceType,
    column_name,
)

# Below this many records an import is quick enough to need no progress bar.
PROGRESS_FROM = 500
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
# Tabs and line breaks are text; other C0 controls and DEL are not.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WEB_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)
AREA_URI = re.compile(r"^urn:(?:ssb:(?P<scope>kommune|fylke):(?P<code>\d{2,4})|iso:country:(?P<country>[A-Z]{2}))$")


@dataclass(frozen=True)
class Problem:
    file: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.record_id}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    services: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_service_objects(path: Path) -> list[dict[str, Any]]:
    return service_objects(json.loads(path.read_text(encoding="utf-8")), str(path))


def service_objects(document: Any, source: str) -> list[dict[str, Any]]:
    """The services in any HSDS 3.0 shape (feeds.service_objects): a service, a list, a paginated list
    ({"contents": [...]}), {"services": [...]}, an organization with its services, service_at_locations."""
    if not isinstance(document, (list, dict)):
        raise ImportFailed([Problem(source, "-", "-", "expected a JSON list or object of services")])
    found = feeds.service_objects(document)
    if found is None:
        raise ImportFailed([Problem(source, "-", "-", "no service objects found")])
    return [obj for _, obj in feeds.merge_by_service([(source, obj) for obj in found])]


def import_files(session: Session, paths: Iterable[Path], progress: bool | None = None,
                 feed: feeds.Feed | None = None) -> ImportReport:
    """Import HSDS JSON files and CSV datapackages in one transaction.

    Raises ImportFailed listing every problem; then nothing has changed.
    `progress` shows a bar on stderr; None shows it for large imports at a terminal.
    `feed` says where the files come from and how their taxonomy maps (feeds.Feed).
    """
    paths = list(paths)
    problems: list[Problem] = []
    sourced: list[tuple[str, Any]] = []
    for path in paths:
        try:
            sourced += _read_records(path)
        except ImportFailed as failure:
            problems += failure.problems
        except (OSError, ValueError) as error:
            problems.append(Problem(str(path), "-", "-", f"unreadable: {error}"))
        except RecursionError:  # the JSON parser recurses once per level of nesting
            problems.append(Problem(str(path), "-", "-", "unreadable: the JSON is nested too deeply"))
    try:
        return import_records(session, sourced, progress, problems, feed)
    except ImportFailed as failure:
        tables = {services_file(path) for path in paths if is_datapackage(path)}
        raise ImportFailed([_in_table(problem, tables) for problem in failure.problems]) from None


def _in_table(problem: Problem, tables: set[str]) -> Problem:
    """A CSV package's problem names the table the bad value is in, not the services.csv it was joined to."""
    if problem.file not in tables:
        return problem
    return replace(problem, file=table_file(problem.file, problem.field))


def import_records(
    session: Session, sourced: list[tuple[str, Any]], progress: bool | None = False, problems: Iterable[Problem] = (),
    feed: feeds.Feed | None = None,
) -> ImportReport:
    """Import service objects, each with the name of where it came from, all or nothing (see import_files)."""
    report = ImportReport(problems=list(problems))
    records: list[Service] = []
    feed, gazetteer = feed or feeds.Feed(), Gazetteer.load()
    for file, obj in tqdm(sourced, desc="Checking", unit=" services", disable=not _show_progress(progress, len(sourced))):
        service = _checked_service(obj, lambda: feed.prepare(obj, gazetteer), file, report.problems)
        if service is not None:
            records.append(service)
    if report.problems:
        raise ImportFailed(report.problems)
    with session.begin_nested() if session.in_transaction() else session.begin():
        merged = [session.merge(service) for service in records]
        session.flush()
        refresh_points(session, merged, Gazetteer.load())
    report.services = len(records)
    return report


def _checked_service(original: Any, prepared: Callable[[], Any], file: str, problems: list[Problem]) -> Service | None:
    """A record whose nested parts have the wrong shape is a problem to report, not a crash.

    `prepared()` is the record as Veiviser reads it (feeds.Feed.prepare); `original` is kept as the feed
    gave it, so that an export gives back every field, those the product does not use included.
    """
    try:
        service = _service_from_hsds(prepared(), file, problems)
        if service is not None:
            service.hsds_original = original
        return service
    except (AttributeError, TypeError, KeyError) as error:
        record_id = str(original.get("id", "?")) if isinstance(original, dict) else "?"
        problems.append(Problem(file, record_id, "-", f"malformed record: {type(error).__name__}: {error}"))
        return None
    except RecursionError:
        problems.append(Problem(file, "?", "-", "malformed record: nested too deeply"))
        return None


def _read_records(path: Path) -> list[tuple[str, Any]]:
    if is_datapackage(path):
        return read_datapackage(path)
    return [(str(path), obj) for obj in load_service_objects(path)]


def _show_progress(progress: bool | None, records: int) -> bool:
    if progress is None:
        return records > PROGRESS_FROM and sys.stderr.isatty()
    return progress


def _service_from_hsds(obj: Any, file: str, problems: list[Problem]) -> Service | None:
    record_id = str(obj.get("id", "?")) if isinstance(obj, dict) else "?"
    found: list[Problem] = []

    def problem(field_name: str, message: str) -> None:
        if Problem(file, record_id, field_name, message) not in found:  # a missing id is found by two checks
            found.append(Problem(file, record_id, field_name, message))

    if not isinstance(obj, dict):
        problem("-", "a service must be a JSON object")
        problems.extend(found)
        return None
    for required in ("id", "name"):
        if not _text(obj.get(required)):
            problem(required, "required")
    _check_strings(obj, "", problem)
    status = obj.get("status", "active")
    if status not in STATUSES:
        problem("status", f"must be one of {sorted(STATUSES)}")
    properties = _properties(obj.get("attributes") or [], problem)
    service = Service(
        **_pick(obj, "id", "name", "alternate_name", "description", "url", "email", "application_process",
                "fees_description", "eligibility_description"),
        status=status,
        minimum_age=_integer(obj.get("minimum_age"), "minimum_age", problem),
        maximum_age=_integer(obj.get("maximum_age"), "maximum_age", problem),
        assured_date=_date(obj.get("assured_date"), "assured_date", problem),
        wait_weeks=_number(properties.get(Property.WAIT_WEEKS), "attributes.wait-weeks", problem),
        wait_measured=_date(properties.get(Property.WAIT_MEASURED), "attributes.wait-measured", problem),
        wait_source_url=properties.get(Property.WAIT_SOURCE),
        source=properties.get(Property.SOURCE) or "",
        translations=read_translations(obj.get("x_translations"), SERVICE_FIELDS, problem),
        **{column_name(p): _boolean(properties.get(p), f"attributes.{p.value}", problem) for p in BOOLEAN_PROPERTIES},
    )
    service.types = [
        ServiceTypeLink(id=a["id"], code=a["taxonomy_term"]["code"])
        for a in _service_type_attributes(obj.get("attributes") or [], problem)
    ]
    organization = obj.get("organization")
    if isinstance(organization, dict) and organization.get("id"):
        service.organization_id = organization["id"]
        service.organization = Organization(
            id=organization["id"],
            name=organization.get("name") or "",
            description=organization.get("description") or "",
            website=organization.get("website"),
            email=organization.get("email"),
        )
    service.phones = [_phone(p, problem) for p in obj.get("phones") or []]
    service.schedules = [_schedule(s, problem) for s in obj.get("schedules") or []]
    service.service_areas = [_area(a, problem) for a in obj.get("service_areas") or []]
    service.languages = [
        Language(id=l.get("id"), name=l.get("name"), code=l.get("code")) for l in obj.get("languages") or []
    ]
    service.service_at_locations = [_service_at_location(s, problem) for s in obj.get("service_at_locations") or []]
    service.sources = _sources(obj, problem)
    _check_sourced(service, problem)
    _check_columns(service, problem)
    problems.extend(found)
    return None if found else service


def _check_columns(record: Base, problem) -> None:
    """What the checks above let through but a column cannot hold: a value of the wrong type, too long, out of range.

    Read from the models' own column types, so a changed column needs no
    change here. Without this a boolean became the text "0" on SQLite, and
    PostgreSQL refused the whole transaction with a bare database error.
    """
    seen: set[int] = set()
    pending: list[tuple[Base, str]] = [(record, "")]
    while pending:
        obj, path = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        mapper = inspect(obj).mapper
        for attribute in mapper.column_attrs:
            reason = _column_misfit(attribute.columns[0], getattr(obj, attribute.key))
            if reason:
                problem(f"{path}{attribute.key}", reason)
        for relationship in mapper.relationships:
            related = getattr(obj, relationship.key)
            children = related if isinstance(related, list) else [related] if related is not None else []
            pending += [(child, f"{path}{relationship.key}.") for child in children]


def _column_misfit(column: Column, value: Any) -> str | None:
    column_type = column.type
    if value is None:
        # Foreign keys are filled in from the relationship when the record is stored.
        filled_later = column.foreign_keys or column.default is not None or column.server_default is not None
        return "required" if (column.primary_key or not column.nullable) and not filled_later else None
    if isinstance(column_type, String):
        if not isinstance(value, str):
            return f"must be text, not {type(value).__name__}"
        if column_type.length and len(value) > column_type.length:
            return f"at most {column_type.length} characters"
    elif isinstance(column_type, Integer) and isinstance(value, int):
        bits = 63 if isinstance(column_type, BigInteger) else 31
        if not -(2**bits) <= value < 2**bits:
            return "out of range"
    elif isinstance(column_type, Float) and isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    return None


def _check_strings(value: Any, path: str, problem) -> None:
    """Control characters (PostgreSQL refuses NUL) are problems, not crashes; lengths are _check_columns' job."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_strings(item, f"{path}.{key}" if path else str(key), problem)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, path, problem)
    elif isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        problem(path, "contains control characters")


def _properties(attributes: list[Any], problem) -> dict[Property, str]:
    values: dict[Property, str] = {}
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {} if isinstance(attribute, dict) else {}
        if term.get("taxonomy") != PROPERTY_TAXONOMY:
            continue
        try:
            values[Property(term.get("code"))] = attribute.get("value")
        except ValueError:
            problem("attributes", f"unknown property code {term.get('code')!r}")
    return values


def _service_type_attributes(attributes: list[Any], problem) -> list[dict[str, Any]]:
    known = {t.value for t in ServiceType}
    chosen = []
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {} if isinstance(attribute, dict) else {}
        if term.get("taxonomy") != SERVICE_TYPE_TAXONOMY:
            continue
        if term.get("code") not in known:
            problem("attributes", f"unknown service type {term.get('code')!r}")
        else:
            chosen.append(attribute)
    return chosen


def _sources(obj: dict[str, Any], problem) -> list[ServiceSource]:
    """The pages a record's facts come from (extension `x_sources`); a record without one is *unverified*:
    stored and shown to staff, marked, but never in a chat answer until it has a source."""
    listed = obj.get("x_sources")
    if listed is None:
        return []
    if not isinstance(listed, list):
        problem("x_sources", "must be a list of the public pages the record's facts come from")
        return []
    sources = []
    for position, item in enumerate(listed):
        url = item.get("url")
        if not isinstance(url, str) or not WEB_URL.match(url):
            problem("x_sources.url", f"must be a web address (http or https), not {url!r}")
        page_date = item.get("page_date")
        sources.append(ServiceSource(
            id=item.get("id") or derived_id("source", str(obj.get("id")), str(url)),
            position=position,
            url=url,
            page_date=None if page_date == UNDATED else _date(page_date, "x_sources.page_date", problem, required=True),
            checked=_date(item.get("checked"), "x_sources.checked", problem, required=True),
            note=item.get("note"),
        ))
    return sources


def _check_sourced(service: Service, problem) -> None:
    """On a sourced record, a phone, address, opening hour or waiting time must name a page that states it.

    An unverified record (no source at all) is never shown in the chat, so its facts wait for one.
    """
    urls = {source.url for source in service.sources}
    if not urls:
        return
    facts = [
        *(("phones.x_source_url", phone.source_url) for phone in service.phones),
        *(("schedules.x_source_url", schedule.source_url) for schedule in service.schedules),
        *(("service_at_locations.location.x_source_url", sal.location.source_url)
          for sal in service.service_at_locations if sal.location.address_1 or sal.location.postal_code),
    ]
    if service.wait_weeks is not None:
        facts.append((f"attributes.{Property.WAIT_SOURCE.value}", service.wait_source_url))
    for field_name, url in facts:
        if not url:
            problem(field_name, "required: the URL of the page that states this")
        elif url not in urls:
            problem(field_name, f"{url!r} is not one of the record's x_sources")


def _phone(obj: dict[str, Any], problem) -> Phone:
    if not _text(obj.get("number")):
        problem("phones.number", "required")
    return Phone(**_pick(obj, "id", "number", "type", "description"), source_url=obj.get("x_source_url"))


def _schedule(obj: dict[str, Any], problem) -> Schedule:
    for key in ("opens_at", "closes_at"):
        if obj.get(key) and not re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", obj[key]):
            problem(f"schedules.{key}", "must be HH:MM")
    timezone = obj.get("timezone")
    return Schedule(
        **_pick(obj, "id", "freq", "byday", "opens_at", "closes_at", "description"),
        source_url=obj.get("x_source_url"),
        translations=read_translations(obj.get("x_translations"), SCHEDULE_FIELDS, problem, "schedules.x_translations"),
        timezone=None if timezone is None else str(timezone),
        valid_from=_date(obj.get("valid_from"), "schedules.valid_from", problem),
        valid_to=_date(obj.get("valid_to"), "schedules.valid_to", problem),
    )


def _area(obj: dict[str, Any], problem) -> ServiceArea:
    """An SSB or ISO code places the area; a name that is one kommune or fylke does too (feeds.resolve_area).

    Any other area (free text, an extent) is kept as it is, and places nothing.
    """
    uri = obj.get("uri")
    match = AREA_URI.match(uri or "") or AREA_URI.match(obj.get("x_resolved_uri") or "")
    if uri and uri.startswith("urn:ssb:") and not AREA_URI.match(uri):
        problem("service_areas.uri", "must be urn:ssb:kommune:NNNN, urn:ssb:fylke:NN or urn:iso:country:XX")
    if not match:
        return ServiceArea(id=obj.get("id"), name=obj.get("name"), uri=uri)
    return ServiceArea(id=obj.get("id"), name=obj.get("name"), uri=uri,
                       scope=match["scope"] or "country", code=match["code"] or match["country"])


def _service_at_location(obj: dict[str, Any], problem) -> ServiceAtLocation:
    location = obj.get("location") or {}
    address = (location.get("addresses") or [{}])[0]
    return ServiceAtLocation(
        id=obj.get("id"),
        location_id=location.get("id"),
        location=Location(
            id=location.get("id"),
            location_type=location.get("location_type") or "physical",
            name=location.get("name"),
            description=location.get("description"),
            latitude=_number(location.get("latitude"), "service_at_locations.location.latitude", problem),
            longitude=_number(location.get("longitude"), "service_at_locations.location.longitude", problem),
            address_1=address.get("address_1"),
            postal_code=address.get("postal_code") or None,
            city=address.get("city"),
            point_precision=location.get("x_point_precision"),
            source_url=location.get("x_source_url"),
        ),
    )


def _pick(obj: dict[str, Any], *names: str) -> dict[str, Any]:
    """HSDS and our columns share names, so plain fields copy across as they are."""
    return {name: obj.get(name) for name in names}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _boolean(value: Any, name: str, problem) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    problem(name, f"must be true or false, not {value!r}")
    return None


def _integer(value: Any, name: str, problem) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    problem(name, f"must be a whole number, not {value!r}")
    return None


def _number(value: Any, name: str, problem) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        problem(name, f"must be a number, not {value!r}")
        return None


def _date(value: Any, name: str, problem, required: bool = False) -> date | None:
    if value is None:
        if required:
            problem(name, "required")
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problem(name, f"must be a date YYYY-MM-DD, not {value!r}")
        return None
