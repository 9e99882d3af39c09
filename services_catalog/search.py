"""Find services that fit a need near a place: local first, then by distance.

Distances use geopy. A service whose address we could not verify has no
coordinates; it is placed at its kommune's centre and the distance is marked
approximate rather than invented.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from geopy.distance import geodesic
from sqlalchemy import select
from sqlalchemy.orm import Session

from services_catalog.geography import Gazetteer, Kommune
from services_catalog.models import Service, ServiceArea, ServiceTypeLink


@dataclass(frozen=True)
class Query:
    """Without a kommune only national services can fit, so only they are returned."""

    types: frozenset[str]
    kommune: Kommune | None = None
    point: tuple[float, float] | None = None
    include_national: bool = False
    limit: int = 3


@dataclass(frozen=True)
class Match:
    service: Service
    distance_km: float | None
    approximate: bool
    local: bool

    @property
    def national(self) -> bool:
        return any(area.scope == "country" for area in self.service.service_areas)


def find_services(session: Session, query: Query, gazetteer: Gazetteer) -> list[Match]:
    candidates = session.scalars(
        select(Service)
        .join(ServiceTypeLink)
        .where(ServiceTypeLink.code.in_(sorted(query.types)), Service.status == "active")
        .distinct()
    ).all()
    matches = [_match(service, query, gazetteer) for service in candidates]
    if query.kommune is None:
        kept = [m for m in matches if m.national]
    else:
        kept = [m for m in matches if query.include_national or not m.national]
    kept.sort(key=_rank)
    return kept[: query.limit]


def _rank(match: Match) -> tuple[bool, bool, float]:
    far = float("inf") if match.distance_km is None else match.distance_km
    return (not match.local, match.national, far)


def _match(service: Service, query: Query, gazetteer: Gazetteer) -> Match:
    point = query.point or ((query.kommune.lat, query.kommune.lon) if query.kommune else None)
    local = query.kommune is not None and _serves(service.service_areas, query.kommune)
    distance, approximate = _distance(service, point, gazetteer)
    return Match(service=service, distance_km=distance, approximate=approximate, local=local)


def _serves(areas: Iterable[ServiceArea], kommune: Kommune) -> bool:
    return any(
        (area.scope == "kommune" and area.code == kommune.number)
        or (area.scope == "fylke" and area.code == kommune.fylke_number)
        for area in areas
    )


def _distance(
    service: Service, point: tuple[float, float] | None, gazetteer: Gazetteer
) -> tuple[float | None, bool]:
    if point is None:
        return None, False
    exact = [
        (sal.location.latitude, sal.location.longitude)
        for sal in service.service_at_locations
        if sal.location.latitude is not None and sal.location.longitude is not None
    ]
    if exact:
        return min(geodesic(point, p).km for p in exact), False
    centres = [
        (k.lat, k.lon)
        for area in service.service_areas
        if area.scope == "kommune" and (k := gazetteer.kommune(area.code)) is not None
    ]
    if centres:
        return min(geodesic(point, p).km for p in centres), True
    return None, False
