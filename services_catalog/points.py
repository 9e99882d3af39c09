"""Keep the search index (`service_point`) in step with the HSDS records.

Search must find a service near a point with one index lookup, whether we
know its street address or only the kommuner it serves. Verified coordinates
are used as they are; otherwise each served kommune's centre stands in,
flagged approximate, so that nothing is presented as an address.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services_catalog.geography import Gazetteer
from services_catalog.models import Service, ServicePoint


def refresh_points(session: Session, services: Iterable[Service], gazetteer: Gazetteer) -> None:
    """Replace the index rows of `services`; call after they are merged, in the same transaction."""
    services = list(services)
    session.execute(delete(ServicePoint).where(ServicePoint.service_id.in_([s.id for s in services])))
    session.add_all(point for service in services for point in points_for(service, gazetteer))


def points_for(service: Service, gazetteer: Gazetteer) -> list[ServicePoint]:
    exact = [
        sal.location
        for sal in service.service_at_locations
        if sal.location.latitude is not None and sal.location.longitude is not None
    ]
    if exact:
        return [
            ServicePoint(
                service_id=service.id,
                latitude=location.latitude,
                longitude=location.longitude,
                kommune_number=_kommune_number(gazetteer, location.latitude, location.longitude),
                approximate=False,
            )
            for location in exact
        ]
    kommuner = [
        kommune
        for area in service.service_areas
        if area.scope == "kommune" and (kommune := gazetteer.kommune(area.code)) is not None
    ]
    return [
        ServicePoint(
            service_id=service.id,
            latitude=kommune.lat,
            longitude=kommune.lon,
            kommune_number=kommune.number,
            approximate=True,
        )
        for kommune in kommuner
    ]


def _kommune_number(gazetteer: Gazetteer, lat: float, lon: float) -> str | None:
    kommune = gazetteer.kommune_at(lat, lon)
    return kommune.number if kommune else None
