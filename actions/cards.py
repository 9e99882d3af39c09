"""Turn a catalogue match into the values of the `utter_service_card` response.

Only data and symbols are made here; the words are in the domain files
(the card itself, and the utter_phrase_* pieces it is built from).
Channels that draw cards (the web widget) also get the card as data, with
the phone numbers and the point for a call link and a map link.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.phrasing import phrase
from services_catalog.citation import main_citation
from services_catalog.listing import Listing, names_its_organisation
from services_catalog.opening_hours import current_or_next_opening
from services_catalog.search import Match
from services_catalog.taxonomy import Property, ServiceType, column_name

MISSING = "–"
# Input channels whose clients draw a card from its data. Any other channel would get
# Rasa's default for custom messages, the JSON as text (a blob in an SMS), so they get
# the card's text alone.
CHANNELS_THAT_DRAW_CARDS = frozenset({"rest", "web"})
CARD_PAYLOAD_TYPE = "service_card"


def card_values(
    match: Match, domain: dict[str, Any], language: str, wanted: Iterable[str], when: datetime, staff: bool = False
) -> dict[str, str]:
    """`wanted` are the service types and Property codes the user asked for: they explain the fit.

    Staff see what each number is for, as its page says, so that a line for referrers stands out.
    """
    service = match.service
    organisation = service.organization_name
    name = service.name if names_its_organisation(service.name, organisation) else f"{service.name} ({organisation})"
    return {
        "name": name,
        "summary": _in_language(service, "description", domain, language) or MISSING,
        "why": _why(match, set(wanted), language),
        "access": _access(match, domain, language),
        "hours": _hours(match, domain, language, when),
        "contact": _contact(match, staff),
        "where": _where(match, domain, language),
        "address": _address(match) or MISSING,
        "source": _source(match, domain, language),
        "verified": day_month_year(service.assured_date),
    }


def utter_card(
    dispatcher: CollectingDispatcher, tracker: Tracker, match: Match, values: dict[str, str], language: str
) -> None:
    """The card as text (every channel), and as data where the channel draws cards."""
    drawn = tracker.get_latest_input_channel() in CHANNELS_THAT_DRAW_CARDS
    payload = card_payload(match, values, language) if drawn else None
    dispatcher.utter_message(response="utter_service_card", json_message=payload, **values)


def card_payload(match: Match, values: dict[str, str], language: str) -> dict[str, Any]:
    """The card's facts for a client to lay out; None where the text says "–".

    `point.exact` is False when the point is the kommune's centre (the address is
    not verified): a client must then show the area, never a pin.
    """
    service = match.service
    known = {key: (None if value == MISSING else value) for key, value in values.items()}
    point = None
    if match.point and not match.national and not match.placed_by_area:
        point = {"lat": match.point[0], "lon": match.point[1], "exact": not match.approximate}
    return {
        "type": CARD_PAYLOAD_TYPE,
        "language": language,
        "id": service.id,
        "name": known["name"],
        "summary": known["summary"],
        "why": known["why"],
        "access": known["access"],
        "hours": known["hours"],
        "open_now": match.open_now,
        "phones": list(service.phones),
        "website": _website(match),
        "address": _address(match),
        "where": known["where"],
        "source": known["source"],
        "source_url": citation.url if (citation := main_citation(service.sources)) else None,
        "point": point,
        "verified": service.assured_date.isoformat() if service.assured_date else None,
    }


def _address(match: Match) -> str | None:
    """The sourced street address at the matched point (a service may have several locations).

    Shown even when the point is only the postcode's centre: the address is what the page
    says; only the pin is not exact. A kommune centre standing in for an area has none,
    unless the service's one address could not be placed (a page without a postcode).
    """
    locations = match.service.locations
    at_point = [l for l in locations if match.point == (l.latitude, l.longitude) and l.address_1]
    unplaced = [l for l in locations if l.latitude is None and l.address_1]
    chosen = at_point or (unplaced if len(locations) == 1 else [])
    if not chosen:
        return None
    town = " ".join(part for part in (chosen[0].postal_code, chosen[0].city) if part)
    return ", ".join(part for part in (chosen[0].address_1, town) if part)


def day_month_year(day: date | None) -> str:
    """Dates as Norwegians write them (22.11.2026); a dash when unknown."""
    return day.strftime("%d.%m.%Y") if day else MISSING


def _why(match: Match, wanted: set[str], language: str) -> str:
    service = match.service
    reasons = [ServiceType(code).label(language) for code in service.type_codes if code in wanted]
    reasons += [
        prop.label(language) for prop in Property
        if prop.value in wanted and getattr(service, column_name(prop))
    ]
    return ", ".join(reasons) or MISSING


def _in_language(service: Listing, field: str, domain: dict[str, Any], language: str) -> str | None:
    """The field as written in the reply's language, else the Norwegian, said to be Norwegian where that matters."""
    norwegian = getattr(service, field)
    if not norwegian:
        return None
    return service.translated(field, language) or phrase(domain, "utter_phrase_in_norwegian", language, text=norwegian)


def _access(match: Match, domain: dict[str, Any], language: str) -> str:
    """Drop-in or referral first, as that decides whether one can just go there."""
    service = match.service
    how = [p.label(language) for p in (Property.DROP_IN, Property.REFERRAL_REQUIRED) if getattr(service, column_name(p))]
    if service.application_process:
        how.append(_in_language(service, "application_process", domain, language))
    text = ". ".join(how)
    return text[:1].upper() + text[1:] if text else MISSING


def _hours(match: Match, domain: dict[str, Any], language: str, when: datetime) -> str:
    service = match.service
    opening = current_or_next_opening(service.schedules, when, service.open_on_holidays)
    if opening is None:
        return phrase(domain, "utter_phrase_hours_unknown", language)
    if opening.start <= when:
        return phrase(domain, "utter_phrase_open_until", language, time=f"{opening.end:%H:%M}")
    return phrase(domain, "utter_phrase_opens_at", language, date=f"{opening.start:%d.%m.}", time=f"{opening.start:%H:%M}")


def _contact(match: Match, staff: bool) -> str:
    website = _website(match)
    phones = (match.service.phone_lines if staff else ()) or match.service.phones
    return ", ".join([*phones, *([website] if website else [])]) or MISSING


def _website(match: Match) -> str | None:
    return match.service.url or match.service.organization_website


def _source(match: Match, domain: dict[str, Any], language: str) -> str:
    citation = main_citation(match.service.sources)
    if citation is None:
        return MISSING
    if citation.page_date is None:
        return phrase(domain, "utter_phrase_source_undated", language, site=citation.site)
    return phrase(domain, "utter_phrase_source_dated", language, site=citation.site,
                  date=day_month_year(citation.page_date))


def _where(match: Match, domain: dict[str, Any], language: str) -> str:
    """Kommune and distance; "≈" when the point is only a town's or kommune's centre."""
    if match.national:
        return phrase(domain, "utter_phrase_national", language)
    if match.placed_by_area:
        areas = [area.name for area in match.service.areas if area.name]
        return phrase(domain, "utter_phrase_serves_area", language, areas=", ".join(areas) or MISSING)
    if match.distance_km is None:
        return match.kommune_name or MISSING
    rounded = f"{match.distance_km:.1f}" if match.distance_km < 10 else f"{match.distance_km:.0f}"
    if match.approximate and match.local and match.distance_km < 1:
        return match.kommune_name or MISSING
    distance = f"≈ {rounded} km" if match.approximate else f"{rounded} km"
    return f"{match.kommune_name}, {distance}" if match.kommune_name else distance
