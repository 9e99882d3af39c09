"""Free text to a place: the offline gazetteer first, a geocoder only if one is configured.

Nothing goes to the network by default. An operator who runs their own
Nominatim can set VEIVISER_GEOCODER_URL (for example http://10.0.0.5:8080);
then names the gazetteer does not know, such as a street, are looked up there,
and the point is mapped to a kommune with the offline polygons.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from services_catalog.geography import Gazetteer, Place

GEOCODER_URL_SETTING = "VEIVISER_GEOCODER_URL"
GEOCODER_TIMEOUT_S = 2.0

log = logging.getLogger(__name__)


def resolve_place(text: str, gazetteer: Gazetteer | None = None) -> Place | None:
    gazetteer = gazetteer or Gazetteer.load()
    place = gazetteer.resolve(text)
    url = os.environ.get(GEOCODER_URL_SETTING)
    if place is not None or not url:
        return place
    return _geocode(text, url, gazetteer)


def _geocode(text: str, url: str, gazetteer: Gazetteer) -> Place | None:
    try:
        found = _geocoder(url).geocode(text, country_codes="no", exactly_one=True)
    except GeopyError as error:
        # The place text can say where someone lives: log the kind of failure only.
        log.warning("geocoder at %s failed: %s", url, type(error).__name__)
        return None
    if found is None:
        return None
    kommune = gazetteer.kommune_at(found.latitude, found.longitude)
    if kommune is None:
        return None
    return Place(name=text.strip(), kind="geocoded", kommune=kommune, lat=found.latitude, lon=found.longitude)


@lru_cache(maxsize=4)
def _geocoder(url: str) -> Nominatim:
    parts = urlsplit(url)
    return Nominatim(
        domain=parts.netloc + parts.path.rstrip("/"),
        scheme=parts.scheme or "https",
        user_agent="veiviser",
        timeout=GEOCODER_TIMEOUT_S,
    )
