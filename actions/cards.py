"""Turn a catalogue match into the values of the `utter_service_card` response.

Only data and symbols are made here; the words are in the domain files.
"""
from __future__ import annotations

from datetime import date

from services_catalog.search import Match

MISSING = "–"
NATIONAL = "Norge"


def card_values(match: Match) -> dict[str, str]:
    service = match.service
    organisation = service.organization.name if service.organization else None
    name = service.name if not organisation or organisation in service.name else f"{service.name} ({organisation})"
    return {
        "name": name,
        "summary": service.description or MISSING,
        "access": service.application_process or MISSING,
        "contact": _contact(match),
        "where": _where(match),
        "verified": day_month_year(service.assured_date),
    }


def day_month_year(day: date | None) -> str:
    """Dates as Norwegians write them (22.11.2026); a dash when unknown."""
    return day.strftime("%d.%m.%Y") if day else MISSING


def _contact(match: Match) -> str:
    service = match.service
    numbers = [p.number for p in service.phones]
    website = service.url or (service.organization.website if service.organization else None)
    return ", ".join(numbers + ([website] if website else [])) or MISSING


def _where(match: Match) -> str:
    """Kommune and distance; "≈" when only the kommune centre is known."""
    if match.national:
        return NATIONAL
    if match.distance_km is None:
        return match.kommune_name or MISSING
    rounded = f"{match.distance_km:.1f}" if match.distance_km < 10 else f"{match.distance_km:.0f}"
    if match.approximate and match.local and match.distance_km < 1:
        return match.kommune_name or MISSING
    distance = f"≈ {rounded} km" if match.approximate else f"{rounded} km"
    return f"{match.kommune_name}, {distance}" if match.kommune_name else distance
