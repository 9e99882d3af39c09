"""`veiviser catalog ...`: the staff quick lookup and catalogue upkeep from a terminal.

Tables by default, `--json` for scripts. Bad arguments exit with 2 and say
what was wrong; a record that does not exist exits with 1.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from tabulate import tabulate

from services_catalog.db import catalogue_url, make_engine, migrate, open_session, session_factory
from services_catalog.geography import Gazetteer
from services_catalog.coverage import DEFAULT_KM, measure
from services_catalog.coverage_map import svg_map
from services_catalog.datapackage import export_datapackage
from services_catalog.feeds import Feed, FeedError, TypeMap
from services_catalog.hsds import WEB_URL, ImportFailed, import_files, import_records
from services_catalog.hsds_export import all_services, export_json, service_to_hsds
from services_catalog.models import UNDATED, Service, ServiceSource, reviewed_service_ids
from services_catalog.lookup import PROPERTY_FILTERS, BadFilter, StaffFilters, build_query, parse_point, parse_when
from services_catalog.opening_hours import now
from services_catalog.place_resolver import PlaceResolver
from services_catalog import reports as reports_module
from services_catalog import translation_stamps
from services_catalog.reports import Outcome, open_reports_session, reports_url
from services_catalog.search import Match, Sort, find_services
from services_catalog.sources import shipped_services
from services_catalog.taxonomy import BOOLEAN_PROPERTIES, ServiceType, column_name

BAD_ARGUMENTS, NOT_FOUND = 2, 1
DURATION_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}


class UsageError(Exception):
    """Input the user can fix; printed without a traceback, exit code 2."""


def build(db_path: Path) -> int:
    """Rebuild the embedded SQLite catalogue from the curated source files, atomically."""
    tmp = db_path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    url = f"sqlite:///{tmp}"
    migrate(make_engine(url))
    with session_factory(url)() as session:
        try:
            report = import_records(session, shipped_services(), progress=None)
        except ImportFailed as failure:
            print(f"The shipped catalogue has {len(failure.problems)} problem(s):", file=sys.stderr)
            print(failure, file=sys.stderr)
            return 1
        session.commit()
    tmp.replace(db_path)
    print(f"Catalogue built: {report.services} services in {db_path}")
    return 0


def import_command(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.files if not p.exists()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    feed = _feed(args)
    migrate(make_engine(args.url))
    with open_session(args.url) as session:
        try:
            report = import_files(session, args.files, progress=None if args.progress else False, feed=feed)
        except ImportFailed as failure:
            print(f"Nothing was imported: {len(failure.problems)} problem(s).", file=sys.stderr)
            print(failure, file=sys.stderr)
            return 1
        session.commit()
    print(f"Imported {report.services} services into {_safe_url(args.url)}")
    return 0


def _feed(args: argparse.Namespace) -> Feed:
    """What `--source`, `--source-date` and `--map` say of the whole feed (feeds.Feed)."""
    if args.source is not None and not WEB_URL.match(args.source):
        raise UsageError(f"--source must be the web address (http or https) the feed comes from, not {args.source!r}")
    if args.source_date is not None and args.source is None:
        raise UsageError("--source-date is the date of the --source page; give --source too")
    try:
        source_date = date.fromisoformat(args.source_date) if args.source_date else None
        type_map = TypeMap.load(args.map) if args.map else TypeMap()
    except ValueError as error:  # FeedError is one
        raise UsageError(f"--source-date must be YYYY-MM-DD, not {args.source_date!r}"
                         if not isinstance(error, FeedError) else str(error)) from None
    return Feed(source_url=args.source, source_date=source_date, type_map=type_map)


def review_command(args: argparse.Namespace) -> int:
    """Records a feed brought without a source or a service type: staff see them, the chat waits for them."""
    with open_session(args.url) as session:
        services = session.scalars(select(Service).where(Service.id.not_in(reviewed_service_ids()))
                                   .order_by(Service.name)).all()
        rows = [{"id": s.id, "name": s.name,
                 "needs": ", ".join(need for need, missing in (("source", not s.sources), ("service type", not s.types))
                                    if missing)} for s in services]
    _print(rows, args.json, lambda found: tabulate(found, headers="keys") if found else "Nothing waits for review.")
    return 0


def export_command(args: argparse.Namespace) -> int:
    with open_session(args.url) as session:
        if args.format == "json":
            count = export_json(session, args.target)
        else:
            count = export_datapackage([service_to_hsds(s) for s in all_services(session)], args.target)
    print(f"Exported {count} services to {args.target}")
    return 0


def show_command(args: argparse.Namespace) -> int:
    with open_session(args.url) as session:
        service = session.get(Service, args.id)
        if service is None:
            print(f"No service with id {args.id}", file=sys.stderr)
            return NOT_FOUND
        details = service_to_hsds(service) if args.json else service_details(service)
    _print(details, args.json, lambda d: tabulate(list(d.items()), tablefmt="plain", maxcolwidths=[None, 90]))
    return 0


def search_command(args: argparse.Namespace) -> int:
    places, moment = PlaceResolver.from_settings(), now()
    filters = StaffFilters(
        place=args.kommune,
        point=parse_point(args.near, "near") if args.near else None,
        radius_km=args.radius,
        types=tuple(args.type or ()),
        open_now=args.open_now,
        open_at=parse_when(args.open_at, "open_at") if args.open_at else None,
        properties={name: True for name in PROPERTY_FILTERS if getattr(args, name, False)},
        age=args.age,
        language=args.language,
        sort=Sort(args.sort),
        limit=args.limit,
    )
    search = build_query(filters, places, moment)
    query = search.query
    if search.corrected(args.kommune):
        print(f"Searching near {search.place.name} (read from {args.kommune!r}).", file=sys.stderr)
    with open_session(args.url) as session:
        result = find_services(session, query, places.gazetteer, now=query.open_at or moment)
        rows = [_match_row(match) for match in result.matches]
    if args.json:
        _print({"fallback": result.fallback, "services": rows}, True, str)
        return 0
    if result.fallback:
        print("Nothing local fits: the nearest in the region and national services follow.")
    print(tabulate(rows, headers="keys", maxcolwidths=[None, 40, 24, 18, 8, 20]) if rows else "No services fit.")
    return 0


def _match_row(match: Match) -> dict[str, Any]:
    service = match.service
    distance = None if match.distance_km is None else round(match.distance_km, 1)
    return {
        "id": service.id,
        "name": service.name,
        "types": ", ".join(service.type_codes),
        "where": "national" if match.national else match.kommune_name,
        "km": f"≈{distance}" if match.approximate and distance is not None else distance,
        "open_now": {True: "yes", False: "no", None: "unknown"}[match.open_now],
        "wait_weeks": service.wait_weeks,
        "phones": ", ".join(service.phones),
        "verified": _iso(service.assured_date),
    }


def stale_command(args: argparse.Namespace) -> int:
    """Records with a source page that is undated or older than the cutoff: due for a new look."""
    cutoff = date.today() - parse_age(args.older_than)
    with open_session(args.url) as session:
        stale = (
            select(ServiceSource.service_id)
            .where(or_(ServiceSource.page_date.is_(None), ServiceSource.page_date < cutoff))
        )
        services = session.scalars(select(Service).where(Service.id.in_(stale)).order_by(Service.name)).all()
        rows = [
            {"id": s.id, "name": s.name,
             "sources": [f"{source.url} ({_iso(source.page_date) or UNDATED})" for source in s.sources
                         if source.page_date is None or source.page_date < cutoff]}
            for s in services
        ]
    _print(rows, args.json, _stale_table)
    return 0


def translations_command(args: argparse.Namespace) -> int:
    """Translations in the source files whose Norwegian changed since; --stamp marks redone ones as matching."""
    now, stamps = translation_stamps.current(), translation_stamps.read_stamps()
    if args.stamp or args.stamp_all:
        unknown = sorted(set(args.stamp or ()) - {key.split(" ")[0] for key in now})
        if unknown:
            print(f"No translated record with id {', '.join(unknown)}", file=sys.stderr)
            return BAD_ARGUMENTS
        translation_stamps.write_stamps(translation_stamps.stamp(now, stamps, None if args.stamp_all else set(args.stamp)))
        stamps = translation_stamps.read_stamps()
    redo = translation_stamps.to_redo(now, stamps)
    rows = [{"record": key.split(" ")[0], "translation": key.split(" ")[1], "why": why} for key, why in redo.items()]
    _print(rows, args.json, lambda found: tabulate(found, headers="keys") if found
           else f"All {len(now)} translations were written from the Norwegian as it is now.")
    return 1 if redo else 0


def reports_command(args: argparse.Namespace) -> int:
    """Reports that a record is wrong, newest first, then how many each record has."""
    with open_reports_session(args.reports_url) as reports:
        found = reports_module.newest(reports, include_resolved=args.all)
    with open_session(args.url) as session:
        names = dict(session.execute(select(Service.id, Service.name)
                                     .where(Service.id.in_({r.service_id for r in found}))).all())
    rows = [{"id": r.id, "created": r.created.isoformat(timespec="minutes"), "service": r.service_id,
             "name": names.get(r.service_id, "(not in this catalogue)"), "reason": r.reason, "channel": r.channel,
             "text": r.text, "resolved": r.outcome} for r in found]
    per_record = Counter(r.service_id for r in found).most_common()
    _print({"reports": rows, "per_record": dict(per_record)}, args.json, _reports_table)
    return 0


def _reports_table(value: dict[str, Any]) -> str:
    if not value["reports"]:
        return "No open reports."
    counts = [{"service": service, "reports": count} for service, count in value["per_record"].items()]
    return (tabulate(value["reports"], headers="keys", maxcolwidths=[None, None, 24, 30, None, None, 40, None])
            + "\n\nPer record:\n" + tabulate(counts, headers="keys"))


def resolve_command(args: argparse.Namespace) -> int:
    """Close a report; one re-checked against its page moves the record's checked date to today."""
    outcome = Outcome(args.outcome)
    with open_reports_session(args.reports_url) as reports:
        try:
            report = reports_module.resolve(reports, args.report, outcome, reports_module.utc_now())
        except LookupError as error:
            raise UsageError(str(error)) from None
    if outcome is Outcome.RECHECKED:
        with open_session(args.url) as session:
            service = session.get(Service, report.service_id)
            if service is not None:
                service.assured_date = date.today()
                session.commit()
        print(f"{report.service_id}: checked date set to {date.today():%Y-%m-%d} in this database. "
              "The shipped catalogue is built from services_catalog/data/sources: set `checked` there too.")
    print(f"Report {report.id} resolved as {outcome.value}.")
    return 0


def coverage_command(args: argparse.Namespace) -> int:
    """Per service type: how many kommuner (and people) have it locally, nearby, only nationally, or not at all."""
    if args.map and not args.out:
        raise UsageError("--map needs --out FILE.svg")
    gazetteer = Gazetteer.load()
    with open_session(args.url) as session:
        coverage = measure(session, gazetteer, args.km)
    if args.map:
        title = f"{ServiceType(args.map).label_nb}: dekning per kommune"
        args.out.write_text(svg_map(coverage, args.map, gazetteer, title), encoding="utf-8")
    _print(coverage.report(), args.json, _coverage_table)
    return 0


def _coverage_table(report: dict[str, Any]) -> str:
    rows = [
        {"type": code, **{level: f"{numbers['kommuner']} ({numbers['population_share']:.0%})"
                          for level, numbers in levels.items()}}
        for code, levels in report["types"].items()
    ]
    missing = [f"{code}: {len(names)} kommuner without a place with a phone in their health region"
               + (f" ({', '.join(names[:8])}{', ...' if len(names) > 8 else ''})" if names else "")
               for code, names in report["treatment_missing_in_region"].items()]
    targets = report["local_targets"]
    local = [f"{label}: {targets[key]['met']} of {targets[key]['of']}"
             + (f" (missing: {', '.join(targets[key]['missing'][:12])}{', ...' if len(targets[key]['missing']) > 12 else ''})"
                if targets[key]["missing"] else "")
             for key, label in LOCAL_TARGET_LABELS.items()]
    return "\n".join([
        f"Kommuner (and approximate share of the population) by what is within reach; regional = within "
        f"{report['km']:.0f} km or serving the whole fylke. Only services with a phone count.",
        tabulate(rows, headers="keys"), "", *missing, "", *local])


LOCAL_TARGET_LABELS = {
    "kommune_door": "Largest kommuner with a sourced entry point of their own (phone or not)",
    "low_threshold_hours": "Largest towns with a low-threshold place with weekly hours",
    "relatives_phone_by_fylke": "Fylker with a relatives' service with a phone (local or fylke-wide)",
}


def _stale_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "Nothing is due for re-verification."
    table = [{**row, "sources": "\n".join(row["sources"])} for row in rows]
    return tabulate(table, headers="keys", maxcolwidths=[None, 40, 80])


def parse_age(text: str) -> timedelta:
    """`180d`, `26w`, `6m`, `1y` or plain days."""
    match = re.fullmatch(r"(\d+)([dwmy]?)", text.strip().lower())
    if not match:
        raise UsageError(f"--older-than must look like 180d, 26w, 6m or 1y, not {text!r}")
    return timedelta(days=int(match[1]) * DURATION_UNITS[match[2] or "d"])


def service_details(service: Service) -> dict[str, Any]:
    return {
        "id": service.id,
        "name": service.name,
        "organization": service.organization.name if service.organization else None,
        "types": ", ".join(service.type_codes),
        "status": service.status,
        "description": service.description,
        "application_process": service.application_process,
        **{p.value: getattr(service, column_name(p)) for p in BOOLEAN_PROPERTIES},
        "ages": _ages(service),
        "wait_weeks": service.wait_weeks,
        "wait_measured": _iso(service.wait_measured),
        "phones": ", ".join(phone.number for phone in service.phones),
        "url": service.url,
        "hours": "; ".join(_hours(s) for s in service.schedules),
        "service_areas": ", ".join(a.name or a.uri or "" for a in service.service_areas),
        "addresses": "; ".join(_address(sal.location) for sal in service.service_at_locations),
        "languages": ", ".join(l.code or l.name or "" for l in service.languages),
        "sources": "; ".join(f"{s.url} ({_iso(s.page_date) or UNDATED}, checked {_iso(s.checked)})"
                             for s in service.sources),
        "source_note": service.source or None,
        "assured_date": _iso(service.assured_date),
    }


def _ages(service: Service) -> str | None:
    if service.minimum_age is None and service.maximum_age is None:
        return None
    return f"{service.minimum_age if service.minimum_age is not None else ''}–{service.maximum_age or ''}"


def _hours(schedule: Any) -> str:
    return f"{schedule.byday or schedule.freq or ''} {schedule.opens_at or ''}–{schedule.closes_at or ''}".strip()


def _address(location: Any) -> str:
    return ", ".join(part for part in (location.address_1, location.postal_code, location.city) if part)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _safe_url(url: str) -> str:
    """Never echo a database password."""
    return make_engine(url).url.render_as_string(hide_password=True)


def _print(value: Any, as_json: bool, as_table: Callable[[Any], str]) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str) if as_json else as_table(value))


def _positive_km(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 km, not {text}")
    return value


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    catalog = subparsers.add_parser("catalog", help="look up and maintain the services catalogue")
    catalog.add_argument("--url", default=catalogue_url(), help="database URL (default: $VEIVISER_CATALOG_URL or the embedded SQLite)")
    commands = catalog.add_subparsers(dest="catalog_command", required=True)

    build_cmd = commands.add_parser("build", help="build the embedded SQLite catalogue from shipped data")
    build_cmd.add_argument("--db", type=Path, default=Path("var/catalogue.sqlite"))
    build_cmd.set_defaults(handler=lambda args: build(args.db))

    import_cmd = commands.add_parser("import", help="import HSDS 3.0 JSON files or CSV datapackages, all or nothing")
    import_cmd.add_argument("files", nargs="+", type=Path)
    import_cmd.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    import_cmd.add_argument("--source", help="the public page the feed comes from; the source of every record "
                                             "that names none (without it such records are stored unverified)")
    import_cmd.add_argument("--source-date", help="that page's own date, YYYY-MM-DD (default: undated)")
    import_cmd.add_argument("--map", type=Path, help="a taxonomy map: the feed's terms -> Veiviser's service types "
                                                     "(docs/hsds-profile/README.md)")
    import_cmd.set_defaults(handler=import_command)

    review_cmd = commands.add_parser("review", help="records without a source or a service type (not in the chat)")
    review_cmd.add_argument("--json", action="store_true")
    review_cmd.set_defaults(handler=review_command)

    search_cmd = commands.add_parser("search", help="find services by place, type, opening hours and what matters")
    search_cmd.add_argument("--kommune", help="kommune, town or postcode (e.g. Bergen, Romsa, 5003)")
    search_cmd.add_argument("--near", help="latitude,longitude (e.g. 60.39,5.32)")
    search_cmd.add_argument("--radius", type=_positive_km, help="only services within this many km")
    search_cmd.add_argument("--type", action="append", choices=[t.value for t in ServiceType], help="repeatable")
    search_cmd.add_argument("--open-now", action="store_true")
    search_cmd.add_argument("--open-at", help="ISO time, Norwegian time unless a zone is given")
    search_cmd.add_argument("--drop-in", action="store_true")
    search_cmd.add_argument("--anonymous", action="store_true")
    search_cmd.add_argument("--for-relatives", action="store_true")
    search_cmd.add_argument("--right-to-choose", action="store_true", help="eligible under the right to choose treatment place")
    search_cmd.add_argument("--age", type=int)
    search_cmd.add_argument("--language", help="language code, e.g. nb, en, se")
    search_cmd.add_argument("--sort", choices=["distance", "wait"], default="distance")
    search_cmd.add_argument("--limit", type=int, default=10)
    search_cmd.add_argument("--json", action="store_true")
    search_cmd.set_defaults(handler=search_command)

    export_cmd = commands.add_parser("export", help="write the catalogue as HSDS 3.0 JSON or a CSV datapackage")
    export_cmd.add_argument("target", type=Path, help="a .json file, or a folder for --format csv")
    export_cmd.add_argument("--format", choices=["json", "csv"], default="json")
    export_cmd.set_defaults(handler=export_command)

    show_cmd = commands.add_parser("show", help="everything the catalogue knows about one service")
    show_cmd.add_argument("id")
    show_cmd.add_argument("--json", action="store_true")
    show_cmd.set_defaults(handler=show_command)

    coverage_cmd = commands.add_parser("coverage", help="what each kommune has within reach, per service type")
    coverage_cmd.add_argument("--km", type=_positive_km, default=DEFAULT_KM, help="what counts as nearby (default 100)")
    coverage_cmd.add_argument("--json", action="store_true")
    coverage_cmd.add_argument("--map", choices=[t.value for t in ServiceType], help="also draw this type's map")
    coverage_cmd.add_argument("--out", type=Path, help="where --map writes its SVG")
    coverage_cmd.set_defaults(handler=coverage_command)

    stale_cmd = commands.add_parser("stale", help="records whose source page is undated or older than --older-than")
    stale_cmd.add_argument("--older-than", default="2y", help="the page's own date: e.g. 180d, 26w, 6m, 2y (default 2y)")
    stale_cmd.add_argument("--json", action="store_true")
    stale_cmd.set_defaults(handler=stale_command)

    translations_cmd = commands.add_parser(
        "translations", help="translations whose Norwegian changed since they were written (exit 1 if any)")
    translations_cmd.add_argument("--stamp", nargs="+", metavar="ID",
                                  help="these records' translations are redone: mark them as matching the Norwegian")
    translations_cmd.add_argument("--stamp-all", action="store_true", help="mark every translation as matching")
    translations_cmd.add_argument("--json", action="store_true")
    translations_cmd.set_defaults(handler=translations_command)

    reports_cmd = commands.add_parser("reports", help="reports that a record is wrong, newest first, with counts per record")
    reports_cmd.add_argument("--all", action="store_true", help="resolved reports too")
    reports_cmd.add_argument("--json", action="store_true")
    reports_cmd.add_argument("--reports-url", default=reports_url(), help="default: $VEIVISER_REPORTS_URL or var/reports.sqlite")
    reports_cmd.set_defaults(handler=reports_command)

    resolve_cmd = commands.add_parser("resolve", help="close a report: rechecked (moves the record's checked date), fixed or dismissed")
    resolve_cmd.add_argument("report", type=int, help="the report's id, as `reports` lists it")
    resolve_cmd.add_argument("--as", dest="outcome", required=True, choices=[o.value for o in Outcome])
    resolve_cmd.add_argument("--reports-url", default=reports_url(), help="default: $VEIVISER_REPORTS_URL or var/reports.sqlite")
    resolve_cmd.set_defaults(handler=resolve_command)


def run_handler(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Turn a UsageError or a BadFilter into argparse's usual message and exit code."""
    try:
        return args.handler(args)
    except UsageError as error:
        parser.error(str(error))
    except BadFilter as error:
        parser.error(f"--{error.field.replace('_', '-')}: {error.reason}")
    return BAD_ARGUMENTS  # not reached: parser.error exits
