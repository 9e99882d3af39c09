"""Keep the search index (`service_point`) in step with the HSDS records.

Search must find a service near a point with one index lookup, whether we
know its street address or only the kommuner it serves. Verified coordinates
are used as they are; otherwise each served kommune's centre stands in,
flagged approximate, so that nothing is presented as an address; a fylke area
serves every kommune of the fylke. The index is also what makes a service
local to a kommune (a point there), so search needs no second look at areas.
A national service gets no point even with an address: it is offered
everywhere and never ranked by distance.

`point_rows` is the one definition of what the index holds; the importer
(through `refresh_points`) and the synthetic bulk loader both use it.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services_catalog.geography import Gazetteer, Kommune
from services_catalog.models import Service, ServicePoint

# Kommune number containing a point, or None at sea / abroad.
Locate = Callable[[float, float], Optional[str]]


def refresh_points(session: Session, services: Iterable[Service], gazetteer: Gazetteer) -> None:
    """Replace the index rows of `services`, and say which kommune each located address is in.

    Call after they are merged, in the same transaction.
    """
    services = list(services)
    for location in (sal.location for service in services for sal in service.service_at_locations):
        if location.latitude is not None and location.longitude is not None:
            location.kommune_number = _kommune_number(gazetteer, location.latitude, location.longitude)
    session.execute(delete(ServicePoint).where(ServicePoint.service_id.in_([s.id for s in services])))
    session.add_all(point for service in services for point in points_for(service, gazetteer))


# How an address's point was found (`location.point_precision`); only the address itself is exact.
EXACT_PRECISION = "address"


def points_for(service: Service, gazetteer: Gazetteer) -> list[ServicePoint]:
    exact = [
        (sal.location.latitude, sal.location.longitude, sal.location.point_precision not in (None, EXACT_PRECISION))
        for sal in service.service_at_locations
        if sal.location.latitude is not None and sal.location.longitude is not None
    ]
    areas = [(area.scope, area.code) for area in service.service_areas]
    return [ServicePoint(**row) for row in point_rows(service.id, exact, areas, gazetteer)]


def point_rows(
    service_id: str,
    located: Sequence[tuple[float, float, bool]],
    areas: Iterable[tuple[str, str | None]],
    gazetteer: Gazetteer,
    locate: Locate | None = None,
) -> list[dict[str, Any]]:
    """Index rows for one service: the points of its addresses, else the centres of the kommuner it serves.

    `located` are its addresses' points as (lat, lon, approximate): approximate when the
    point is the postcode's town rather than the address. `areas` are its service areas as (scope, code). `locate` may be a memoised `kommune_at` for
    bulk loads; the polygon test is the slow part.
    """
    areas = list(areas)
    if any(scope == "country" for scope, _ in areas):
        return []
    if located:
        locate = locate or (lambda lat, lon: _kommune_number(gazetteer, lat, lon))
        return [
            dict(service_id=service_id, latitude=lat, longitude=lon, kommune_number=locate(lat, lon),
                 approximate=approximate)
            for lat, lon, approximate in located
        ]
    served = {kommune.number: kommune for scope, code in areas for kommune in _kommuner(gazetteer, scope, code)}
    return [
        dict(service_id=service_id, latitude=k.lat, longitude=k.lon, kommune_number=k.number, approximate=True)
        for k in served.values()
    ]


def _kommuner(gazetteer: Gazetteer, scope: str, code: str | None) -> list[Kommune]:
    """The kommuner an area covers: itself, or every kommune of a fylke."""
    if scope == "kommune" and code and (kommune := gazetteer.kommune(code)) is not None:
        return [kommune]
    if scope == "fylke" and code:
        return [kommune for kommune in gazetteer.kommuner() if kommune.fylke_number == code.zfill(2)]
    return []


def _kommune_number(gazetteer: Gazetteer, lat: float, lon: float) -> str | None:
    kommune = gazetteer.kommune_at(lat, lon)
    return kommune.number if kommune else None
