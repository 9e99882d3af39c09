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


# Beyond this a service in another kommune is no longer "near"; national ones are offered instead.
NEARBY_KM = 100.0


@dataclass(frozen=True)
class Query:
    """Without a kommune only national services can fit, so only they are returned."""

    types: frozenset[str]
    kommune: Kommune | None = None
    point: tuple[float, float] | None = None
    include_national: bool = True
    max_km: float = NEARBY_KM
    limit: int = 3


@dataclass(frozen=True)
class Match:
    service: Service
    distance_km: float | None
    approximate: bool
    local: bool
    kommune_name: str | None = None

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
        kept = [m for m in matches if _near_enough(m, query)]
    kept.sort(key=_rank)
    return kept[: query.limit]


def _near_enough(match: Match, query: Query) -> bool:
    if match.national:
        return query.include_national
    return match.local or (match.distance_km is not None and match.distance_km <= query.max_km)


def _rank(match: Match) -> tuple[bool, bool, float]:
    far = float("inf") if match.distance_km is None else match.distance_km
    return (not match.local, match.national, far)


def _match(service: Service, query: Query, gazetteer: Gazetteer) -> Match:
    point = query.point or ((query.kommune.lat, query.kommune.lon) if query.kommune else None)
    local = query.kommune is not None and _serves(service.service_areas, query.kommune)
    distance, approximate, kommune_name = _distance(service, point, gazetteer)
    return Match(service, distance, approximate, local, kommune_name)


def _serves(areas: Iterable[ServiceArea], kommune: Kommune) -> bool:
    return any(
        (area.scope == "kommune" and area.code == kommune.number)
        or (area.scope == "fylke" and area.code == kommune.fylke_number)
        for area in areas
    )


def _distance(
    service: Service, point: tuple[float, float] | None, gazetteer: Gazetteer
) -> tuple[float | None, bool, str | None]:
    """Distance in km, whether it is only to a kommune centre, and that kommune's name."""
    exact = [
        (sal.location.latitude, sal.location.longitude)
        for sal in service.service_at_locations
        if sal.location.latitude is not None and sal.location.longitude is not None
    ]
    if exact:
        nearest = min(exact, key=lambda p: geodesic(point, p).km if point else 0.0)
        kommune = gazetteer.kommune_at(*nearest)
        distance = geodesic(point, nearest).km if point else None
        return distance, False, kommune.name if kommune else None
    kommuner = [
        k for area in service.service_areas
        if area.scope == "kommune" and (k := gazetteer.kommune(area.code)) is not None
    ]
    if not kommuner:
        return None, False, None
    if point is None:
        return None, True, kommuner[0].name
    nearest = min(kommuner, key=lambda k: geodesic(point, (k.lat, k.lon)).km)
    return geodesic(point, (nearest.lat, nearest.lon)).km, True, nearest.name
