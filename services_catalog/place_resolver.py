"""The one place resolver: what a person wrote, or a position they shared, to a kommune and a point.

One resolver, because the chat, the SMS channel and the staff lookup must agree on
where "Romsa" or "5003" is, and because a configured geocoder should be asked once
per place, not by every layer that wants to know. The dialogue stores what it
resolved (`remember`) and reads it back (`recall`) instead of resolving again.

Nothing goes to the network by default. An operator who runs their own Nominatim
can set VEIVISER_GEOCODER_URL (for example http://10.0.0.5:8080); then names the
gazetteer does not know, such as a street, are looked up there, and the point is
mapped to a kommune with the offline polygons.
"""
from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from services_catalog.geography import LIVE_WORDS, Gazetteer, Place

GEOCODER_URL_SETTING = "VEIVISER_GEOCODER_URL"
GEOCODER_TIMEOUT_S = 2.0

# "bor i X" names a place even when we do not know X; finding it lets the dialogue
# say "I did not recognise X" instead of asking where they live.
SAID_TO_LIVE_IN = re.compile(
    rf"\b(?:{'|'.join(sorted(LIVE_WORDS))})\s+(?:i|på|paa|in|at)\s+"
    r"(?!(?:en|ei|et|ein|eit|a|an|the|my|min|mi|mitt|ingen|no)\b)([^\s,.!?]+)",
    re.IGNORECASE,
)

log = logging.getLogger(__name__)


class PlaceResolver:
    def __init__(self, gazetteer: Gazetteer, geocoder_url: str | None = None) -> None:
        self.gazetteer = gazetteer
        self._geocoder_url = geocoder_url

    @classmethod
    def from_settings(cls) -> PlaceResolver:
        return cls(Gazetteer.load(), os.environ.get(GEOCODER_URL_SETTING) or None)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where a message names a place: known names and postcodes, else what follows "bor i"."""
        spans = [(start, end) for start, end, _place in self.gazetteer.find_in_text(text)]
        if not spans and (said := SAID_TO_LIVE_IN.search(text)):
            spans = [said.span(1)]
        return spans

    def named(self, text: str) -> Place | None:
        """The place a short answer names; None rather than a guess. May go to the network (see above)."""
        place = self.gazetteer.resolve(text)
        if place is not None or not self._geocoder_url:
            return place
        return self._geocode(text)

    def at(self, lat: float, lon: float) -> Place | None:
        """A shared position, placed in its kommune; None outside Norway."""
        kommune = self.gazetteer.kommune_at(lat, lon)
        if kommune is None:
            return None
        return Place(name=kommune.name, kind="position", kommune=kommune, lat=lat, lon=lon)

    def remember(self, place: Place, said: str) -> dict[str, Any]:
        """What a conversation keeps of a resolved place: plain values, and what the person said."""
        return {"said": said, "name": place.name, "kind": place.kind, "kommune": place.kommune.number,
                "lat": place.lat, "lon": place.lon, "approximate": place.approximate}

    def recall(self, kept: Any, said: str | None) -> Place | None:
        """The place `remember` kept, while the person still names the same place; else None."""
        if not isinstance(kept, dict) or not said or kept.get("said") != said:
            return None
        kommune = self.gazetteer.kommune(str(kept.get("kommune", "")))
        try:
            lat, lon = float(kept["lat"]), float(kept["lon"])
        except (KeyError, TypeError, ValueError):
            return None
        if kommune is None:
            return None
        return Place(name=str(kept.get("name") or kommune.name), kind=str(kept.get("kind") or "kommune"),
                     kommune=kommune, lat=lat, lon=lon)

    def _geocode(self, text: str) -> Place | None:
        try:
            found = _geocoder(self._geocoder_url).geocode(text, country_codes="no", exactly_one=True)
        except GeopyError as error:
            # The place text can say where someone lives: log the kind of failure only.
            log.warning("geocoder at %s failed: %s", self._geocoder_url, type(error).__name__)
            return None
        if found is None:
            return None
        kommune = self.gazetteer.kommune_at(found.latitude, found.longitude)
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
