"""The staff page: a form and a printable list, rendered on the server (no JavaScript needed).

The form sends the same query parameters as `GET /services`, and the list is
made from the same HSDS objects the API returns, so page and API cannot
disagree. Every value is escaped by Jinja2's autoescaping.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from multidict import MultiDictProxy

from services_catalog.citation import site
from services_catalog.coverage_map import LABELS_NB, svg_map
from services_catalog.listing import names_its_organisation
from services_catalog.lookup import BadFilter, StaffFilters, UnknownPlace
from services_catalog.models import UNDATED
from services_catalog.opening_hours import WEEKDAYS
from services_catalog.reports import RULES, Reason
from services_catalog.taxonomy import PROPERTY_TAXONOMY, SERVICE_TYPE_TAXONOMY, Property, ServiceType, column_name
from staff_web.catalogue import Found, Lookup
from staff_web.config import CATALOGUE
from staff_web import api
from staff_web.api import search
from staff_web.errors import ApiError
from staff_web.links import NOTE_PATH
from staff_web.params import PLACE_PARAMETERS, Paging

HERE = Path(__file__).resolve().parent
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
# The form's checkboxes for what matters; the rest of the API's filters work in the URL too.
PAGE_PROPERTIES = (Property.DROP_IN, Property.ANONYMOUS, Property.FOR_RELATIVES, Property.RIGHT_TO_CHOOSE)
# Properties worth showing on a card, with the access ones first.
CARD_PROPERTIES = (Property.DROP_IN, Property.REFERRAL_REQUIRED, Property.ANONYMOUS, Property.FREE,
                   Property.FOR_RELATIVES, Property.ACCEPTS_LAR, Property.SOBRIETY_REQUIRED, Property.RIGHT_TO_CHOOSE)
WEEKDAYS_NB = dict(zip(WEEKDAYS, ("man", "tir", "ons", "tor", "fre", "lør", "søn")))
PLACE_LABEL = "Kommune, sted eller postnummer"
FIELD_LABELS = {"place": PLACE_LABEL, "kommune": PLACE_LABEL, "postcode": PLACE_LABEL, "age": "Alder", "type": "Type tjeneste"}


async def lookup_page(request: web.Request) -> web.Response:
    query = request.rel_url.query
    context: dict[str, Any] = {
        "form": _form(query),
        "types": [(t.value, t.label_nb) for t in ServiceType],
        "properties": [(column_name(p), p.label_nb) for p in PAGE_PROPERTIES],
    }
    status = 200
    if any(value.strip() for value in query.values()):
        try:
            filters, paging, lookup = await search(request)
            context["results"] = _results(lookup, paging, query, set(filters.types) | set(filters.properties))
            context["results"]["asked"] = _asked(filters, lookup)
            if lookup.corrected_place:
                context["results"]["typed"] = context["form"]["place"]
                context["form"]["place"] = lookup.corrected_place
        except BadFilter as error:
            status, context["error"] = 400, _error(error, query)
    html = TEMPLATES.get_template("lookup.html").render(**context)
    return web.Response(text=html, content_type="text/html", status=status)


async def journal_note(request: web.Request) -> web.Response:
    """The same list as plain text, for a journal note: staff paste it, so no markup and no page furniture."""
    query = request.rel_url.query
    try:
        filters, paging, lookup = await search(request)
    except BadFilter as error:
        return web.Response(text=_error(error, query)["message"] + "\n", status=400, charset="utf-8")
    results = _results(lookup, paging, query, set(filters.types) | set(filters.properties))
    results.update(asked=_asked(filters, lookup), typed=_form(query)["place"] if lookup.corrected_place else None)
    text = TEMPLATES.get_template("note.txt").render(results=results, place=lookup.corrected_place)
    return web.Response(text=text, charset="utf-8")


def _form(query: MultiDictProxy[str]) -> dict[str, Any]:
    """What was asked, to fill the form in again."""
    return {
        "place": next((query[name] for name in PLACE_PARAMETERS if query.get(name, "").strip()), ""),
        "types": set(query.getall("type", [])),
        "checked": {name for name, value in query.items() if value == "true"},
        "age": query.get("age", ""),
    }


def _results(lookup: Lookup, paging: Paging, query: MultiDictProxy[str], wanted: set[str]) -> dict[str, Any]:
    pages = paging.pages(lookup.total)
    return {
        "cards": [_card(found, wanted, lookup.moment) for found in lookup.found],
        "total": lookup.total,
        "fallback": lookup.fallback,
        "kommune": lookup.kommune,
        "moment": f"{lookup.moment:%d.%m.%Y %H:%M}",
        "report_days": RULES.caution_days,
        "page": paging.page,
        "pages": pages,
        "previous": _with(query, page=paging.page - 1) if paging.page > 1 else None,
        "next": _with(query, page=paging.page + 1) if paging.page < pages else None,
        "note": NOTE_PATH + _with(query),
    }


def _asked(filters: StaffFilters, lookup: Lookup) -> list[str]:
    """The search in words, for the printout: whoever reads the list later sees what it answers."""
    asked = [lookup.corrected_place or filters.place or "hele landet"]
    asked += [ServiceType(code).label_nb for code in filters.types]
    if filters.open_now or filters.open_at:
        asked.append(f"åpent {lookup.moment:%d.%m.%Y %H:%M}")
    by_column = {column_name(p): p for p in Property}
    asked += [by_column[name].label_nb if wanted else f"ikke {by_column[name].label_nb}"
              for name, wanted in filters.properties.items()]
    if filters.age is not None:
        asked.append(f"alder {filters.age}")
    return asked


def _card(found: Found, wanted: set[str], moment: datetime) -> dict[str, Any]:
    """What staff need on paper, read from the HSDS object the API returns."""
    service, match = found.service, found.match
    terms = [(a["taxonomy_term"], a.get("value")) for a in service.get("attributes", [])]
    types = [term for term, _ in terms if term["taxonomy"] == SERVICE_TYPE_TAXONOMY]
    properties = {term["code"]: value for term, value in terms if term["taxonomy"] == PROPERTY_TAXONOMY}
    organisation = (service.get("organization") or {}).get("name")
    return {
        "id": service["id"],
        "name": service["name"],
        "organisation": None if names_its_organisation(service["name"], organisation) else organisation,
        "description": service.get("description"),
        "types": [(term["name"], term["code"] in wanted) for term in types],
        "properties": [(p.label_nb, column_name(p) in wanted)
                       for p in CARD_PROPERTIES if properties.get(p.value) == "true"],
        "drop_in": properties.get(Property.DROP_IN.value) == "true",
        "referral": properties.get(Property.REFERRAL_REQUIRED.value) == "true",
        "application_process": service.get("application_process"),
        "open_now": match["open_now"],
        "opening": _opening(match["opening"], moment),
        "hours": [_hours(rule) for rule in service.get("schedules", [])],
        "distance": _distance(match, service),
        "phones": [(p["number"], p["number"].replace(" ", ""), p.get("description")) for p in service.get("phones", [])],
        "url": service.get("url") if str(service.get("url", "")).startswith(("https://", "http://")) else None,
        "addresses": [_address(sal["location"]) for sal in service.get("service_at_locations", [])],
        "sources": [_source(source) for source in service.get("x_sources", [])],
        "verified": _day(service.get("assured_date")),
        "wait_weeks": properties.get(Property.WAIT_WEEKS.value),
        "reports_open": match.get("reports_open", 0),
        "unverified": match.get("unverified", False),
        "untyped": match.get("untyped", False),
        "caution": match.get("caution", False),
    }


def _opening(opening: dict[str, str] | None, moment: datetime) -> str | None:
    if opening is None:
        return None
    start, end = datetime.fromisoformat(opening["start"]), datetime.fromisoformat(opening["end"])
    if start <= moment:
        return f"til {end:%H:%M}" if end.date() == moment.date() else f"til {end:%d.%m. %H:%M}"
    return f"åpner {start:%d.%m.} kl. {start:%H:%M}"


def _hours(rule: dict[str, Any]) -> str:
    days = [WEEKDAYS_NB.get(day.strip().upper(), day) for day in (rule.get("byday") or "").split(",") if day.strip()]
    when = f"{rule.get('opens_at', '')}–{rule.get('closes_at', '')}" if rule.get("opens_at") else ""
    return " ".join(part for part in (", ".join(days) or "alle dager", when, rule.get("description") or "") if part)


def _source(source: dict[str, Any]) -> dict[str, str]:
    """A cited page: its site as the link text, and its own date or that it has none."""
    page_date = source.get("page_date")
    dated = f"oppdatert {_day(page_date)}" if page_date and page_date != UNDATED else "siden er ikke datert"
    return {"url": source["url"], "site": site(source["url"]), "dated": dated}


def _distance(match: dict[str, Any], service: dict[str, Any]) -> str | None:
    if match["national"]:
        return "Hele landet"
    if match.get("placed_by_area"):  # no address: a kommune centre of its area would look like 0 km away
        areas = ", ".join(area.get("name") or "" for area in service.get("service_areas", []))
        return f"Dekker {areas}; adresse ikke oppgitt"
    km = match["distance_km"]
    if km is None or (match["local"] and not match.get("located")):
        return match["kommune"]  # no address in the user's own kommune: "0,0 km" to its centre would mislead
    text = f"{km:.1f}".replace(".", ",") + " km"
    text = f"ca. {text}" if match["approximate"] else text
    return f"{text} ({match['kommune']})" if match["kommune"] else text


def _address(location: dict[str, Any]) -> str:
    address = (location.get("addresses") or [{}])[0]
    postal = " ".join(part for part in (address.get("postal_code"), address.get("city")) if part)
    return ", ".join(part for part in (location.get("name"), address.get("address_1"), postal) if part)


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else "ukjent"


def _error(error: BadFilter, query: MultiDictProxy[str]) -> dict[str, Any]:
    """Norwegian for an unknown place, the mistake the form invites; the API's own words otherwise."""
    if isinstance(error, UnknownPlace):
        found = {"message": f"Fant ingen kommune, sted eller postnummer som heter «{error.text}»."}
        if error.suggestion:
            found.update(suggestion=error.suggestion, link=_with(query, **{error.field: error.suggestion}))
        return found
    return {"message": f"{FIELD_LABELS.get(error.field, error.field)}: {error.reason}"}


def _with(query: MultiDictProxy[str], **changes: Any) -> str:
    """This page's URL with some parameters changed (for 'next page' and suggestions)."""
    pairs = [(k, v) for k, v in query.items() if k not in changes] + [(k, str(v)) for k, v in changes.items()]
    return "?" + urlencode(pairs)


# The reasons a report can give, as the form offers them.
REASONS_NB = {Reason.WRONG_PHONE: "Feil telefonnummer", Reason.WRONG_ADDRESS: "Feil adresse",
              Reason.WRONG_HOURS: "Feil åpningstider", Reason.CLOSED: "Lagt ned eller flyttet", Reason.OTHER: "Annet"}


async def report_page(request: web.Request) -> web.Response:
    """«Meld feil»: a form with the reasons (GET), and a thank-you once filed (POST). No login, no name."""
    service = await request.app[CATALOGUE].service(request.match_info["id"])
    if service is None:
        raise web.HTTPNotFound(text="Ingen tjeneste med den id-en.")
    context: dict[str, Any] = {"service": service, "reasons": [(r.value, label) for r, label in REASONS_NB.items()]}
    status = 200
    if request.method == "POST":
        form = await request.post()
        try:
            await api.file(request, api.read_reason(form.get("reason")), str(form.get("text") or "") or None)
            context["filed"] = True
        except ApiError as error:
            status, context["error"] = error.status, _report_error(error)
    html = TEMPLATES.get_template("report.html").render(**context)
    return web.Response(text=html, content_type="text/html", status=status)


def _report_error(error: ApiError) -> str:
    if error.status == 429:
        return "Det har kommet svært mange meldinger den siste timen. Prøv igjen senere."
    return "Velg hva som er feil."


async def coverage_page(request: web.Request) -> web.Response:
    """The gaps, for the people who plan services: a table per service type and one type's map."""
    chosen = request.rel_url.query.get("type", ServiceType.AVRUSNING.value)
    if chosen not in {t.value for t in ServiceType}:
        raise web.HTTPBadRequest(text=f"Ukjent type tjeneste: {chosen[:40]}")
    catalogue = request.app[CATALOGUE]
    coverage = await catalogue.coverage()
    report = coverage.report()
    title = f"{ServiceType(chosen).label_nb}: dekning per kommune"
    html = TEMPLATES.get_template("coverage.html").render(
        report=report, types=[(t.value, t.label_nb) for t in ServiceType], chosen=chosen, title=title,
        levels=LABELS_NB, map_svg=Markup(svg_map(coverage, chosen, catalogue.gazetteer, title)))
    return web.Response(text=html, content_type="text/html")


async def coverage_json(request: web.Request) -> web.Response:
    return web.json_response((await request.app[CATALOGUE].coverage()).report())
