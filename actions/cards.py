"""Turn a catalogue match into the values of the `utter_service_card` response.

Only data and symbols are made here; the words are in the domain files
(the card itself, and the utter_phrase_* pieces it is built from).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from actions.phrasing import phrase
from services_catalog.opening_hours import current_or_next_opening
from services_catalog.search import Match
from services_catalog.taxonomy import Property, ServiceType, column_name

MISSING = "–"


def card_values(
    match: Match, domain: dict[str, Any], language: str, wanted: Iterable[str], when: datetime
) -> dict[str, str]:
    """`wanted` are the service types and Property codes the user asked for: they explain the fit."""
    service = match.service
    organisation = service.organization.name if service.organization else None
    name = service.name if not organisation or organisation in service.name else f"{service.name} ({organisation})"
    return {
        "name": name,
        "summary": service.description or MISSING,
        "why": _why(match, set(wanted), language),
        "access": _access(match, language),
        "hours": _hours(match, domain, language, when),
        "contact": _contact(match),
        "where": _where(match, domain, language),
        "verified": day_month_year(service.assured_date),
    }


def day_month_year(day: date | None) -> str:
    """Dates as Norwegians write them (22.11.2026); a dash when unknown."""
    return day.strftime("%d.%m.%Y") if day else MISSING


def _label(term: ServiceType | Property, language: str) -> str:
    return term.label_en if language == "en" else term.label_nb


def _why(match: Match, wanted: set[str], language: str) -> str:
    service = match.service
    reasons = [_label(ServiceType(code), language) for code in service.type_codes if code in wanted]
    reasons += [
        _label(prop, language) for prop in Property
        if prop.value in wanted and getattr(service, column_name(prop))
    ]
    return ", ".join(reasons) or MISSING


def _access(match: Match, language: str) -> str:
    """Drop-in or referral first, as that decides whether one can just go there."""
    service = match.service
    how = [_label(p, language) for p in (Property.DROP_IN, Property.REFERRAL_REQUIRED) if getattr(service, column_name(p))]
    if service.application_process:
        how.append(service.application_process)
    return ". ".join(how) or MISSING


def _hours(match: Match, domain: dict[str, Any], language: str, when: datetime) -> str:
    service = match.service
    opening = current_or_next_opening(service.schedules, when, service.open_on_holidays)
    if opening is None:
        return phrase(domain, "utter_phrase_hours_unknown", language)
    if opening.start <= when:
        return phrase(domain, "utter_phrase_open_until", language, time=f"{opening.end:%H:%M}")
    return phrase(domain, "utter_phrase_opens_at", language, date=f"{opening.start:%d.%m.}", time=f"{opening.start:%H:%M}")


def _contact(match: Match) -> str:
    service = match.service
    numbers = [p.number for p in service.phones]
    website = service.url or (service.organization.website if service.organization else None)
    return ", ".join(numbers + ([website] if website else [])) or MISSING


def _where(match: Match, domain: dict[str, Any], language: str) -> str:
    """Kommune and distance; "≈" when only the kommune centre is known."""
    if match.national:
        return phrase(domain, "utter_phrase_national", language)
    if match.distance_km is None:
        return match.kommune_name or MISSING
    rounded = f"{match.distance_km:.1f}" if match.distance_km < 10 else f"{match.distance_km:.0f}"
    if match.approximate and match.local and match.distance_km < 1:
        return match.kommune_name or MISSING
    distance = f"≈ {rounded} km" if match.approximate else f"{rounded} km"
    return f"{match.kommune_name}, {distance}" if match.kommune_name else distance
