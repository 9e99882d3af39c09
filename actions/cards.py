"""Turn a catalogue match into the values of the `utter_service_card` response.

Only data and symbols are made here; the words are in the domain files.
"""
from __future__ import annotations

from services_catalog.search import Match

MISSING = "–"


def card_values(match: Match) -> dict[str, str]:
    service = match.service
    organisation = service.organization.name if service.organization else None
    name = service.name if not organisation or organisation in service.name else f"{service.name} ({organisation})"
    return {
        "name": name,
        "summary": service.description or MISSING,
        "access": service.application_process or MISSING,
        "contact": _contact(match),
        "distance": _distance(match),
        "verified": service.assured_date.strftime("%d.%m.%Y") if service.assured_date else MISSING,
    }


def _contact(match: Match) -> str:
    service = match.service
    numbers = [p.number for p in service.phones]
    website = service.url or (service.organization.website if service.organization else None)
    return ", ".join(numbers + ([website] if website else [])) or MISSING


def _distance(match: Match) -> str:
    if match.distance_km is None:
        return MISSING
    rounded = f"{match.distance_km:.1f}" if match.distance_km < 10 else f"{match.distance_km:.0f}"
    return f"≈ {rounded} km" if match.approximate else f"{rounded} km"
