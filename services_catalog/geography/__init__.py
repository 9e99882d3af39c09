"""Offline Norwegian geography: kommuner, towns, bydeler and postcodes (2024 division).

Why: the bot must turn what a person writes ("bor på Lillehammer", "Romsa",
"5003", "trondhiem") into a kommune, to find help near them, without any
network call and without personal data leaving the machine. Everything is
read from committed files in ``data/geography`` with the standard library only.

One job per module: `words` (the words that guard place-finding), `names`
(every name a place goes by), `text` (places in what people write) and
`outlines` (which kommune a point is in). `Gazetteer` puts them together.
"""
from __future__ import annotations

import threading

from services_catalog.geography.names import DATA_DIR, Kommune, Names, Place
from services_catalog.geography.outlines import Outlines
from services_catalog.geography.text import PlaceFinder
from services_catalog.geography.words import LIVE_WORDS, NEVER_PLACE_WORDS, fold

__all__ = ["DATA_DIR", "LIVE_WORDS", "NEVER_PLACE_WORDS", "Gazetteer", "Kommune", "Place", "fold"]


class Gazetteer:
    _shared: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self, names: Names, outlines: Outlines) -> None:
        self._names = names
        self._finder = PlaceFinder(names)
        self._outlines = outlines

    @classmethod
    def load(cls) -> Gazetteer:
        """Read once per process: the files are static, callers share it."""
        if cls._shared is None:
            with cls._lock:
                if cls._shared is None:
                    cls._shared = cls(Names.read(), Outlines())
        return cls._shared

    def kommuner(self) -> list[Kommune]:
        """All 357 kommuner sorted by number."""
        return [self._names.kommuner[number] for number in sorted(self._names.kommuner)]

    def kommune(self, number: str) -> Kommune | None:
        """Kommune by its 4-digit 2024 number ("301" is padded to "0301")."""
        return self._names.kommuner.get(str(number).strip().zfill(4))

    def size(self, number: str) -> int:
        """People in the kommune's GeoNames towns (kommuner.csv `size`): a stand-in for its population."""
        return self._names.sizes.get(number, 0)

    def postcode_point(self, postcode: str) -> tuple[float, float, str] | None:
        """Where a postcode is on the map, and how well: "town" (its poststed's centre) or "kommune" (only the kommune's)."""
        place = self._names.postcodes.get(postcode)
        return (place.lat, place.lon, self._names.postcode_points[postcode]) if place else None

    def resolve(self, text: str) -> Place | None:
        """The one place a short answer means; None rather than a guess (`PlaceFinder.short_answer`)."""
        return self._finder.short_answer(text)

    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]:
        """Each place a message names, as (start, end, place)."""
        return [(span.start, span.end, span.place) for span in self._finder.spans(text)]

    def kommune_at(self, lat: float, lon: float) -> Kommune | None:
        """Kommune containing the point (WGS84); None outside Norway."""
        number = self._outlines.kommune_at(lat, lon)
        return self._names.kommuner[number] if number else None

    def outlines(self) -> tuple[float, dict[str, list[list[int]]]]:
        """Each kommune's rings as flat [x0, y0, x1, y1, ...] with x = lon * scale, y = lat * scale; and the scale."""
        return self._outlines.scale, {number: outline.rings for number, outline in self._outlines.by_kommune().items()}
