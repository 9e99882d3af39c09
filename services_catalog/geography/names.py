"""Every name a place goes by: kommuner, towns, bydeler, poststeder and postcodes, folded for lookup.

Read from the committed CSV files in data/geography (built by
scripts/build_geography.py; sources and licences in its SOURCES.md).
"""
from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import NamedTuple

from services_catalog.geography.words import NEVER_PLACE_WORDS, fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "geography"
FUZZY_MIN_LENGTH = 4  # shorter names are never matched loosely
KOMMUNE_TYPO_MIN_LENGTH = 6  # only kommune names this long get a misspelling allowance inside a sentence


@dataclass(frozen=True)
class Kommune:
    """A kommune in the 2024 division (357 kommuner, 15 fylker)."""

    number: str
    name: str
    alt_names: tuple[str, ...]
    fylke_number: str
    fylke: str
    health_region: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Place:
    """A resolved place; ``kind`` is "kommune", "town" or "postcode" (a centre's point), or
    "position" or "geocoded" (a point of its own)."""

    name: str
    kind: str
    kommune: Kommune
    lat: float
    lon: float

    @property
    def approximate(self) -> bool:
        """The point is a kommune's, town's or postcode's centre, not where the person is."""
        return self.kind not in ("position", "geocoded")


class Rank(IntEnum):
    """Which kind of name wins when several places share one: lower is better."""

    KOMMUNE = 0
    KOMMUNE_ALT = 1
    TOWN = 2
    TOWN_ALT = 3
    POSTSTED = 4


class Candidate(NamedTuple):
    """One place a folded name may mean; candidates sort best first (rank, then size, larger first)."""

    rank: Rank
    minus_size: int
    place: Place


class Names:
    def __init__(self) -> None:
        self.kommuner: dict[str, Kommune] = {}
        self.sizes: dict[str, int] = {}
        self.postcodes: dict[str, Place] = {}
        self.postcode_points: dict[str, str] = {}  # postcode -> "town" or "kommune" (postcodes.csv `point`)
        self.longest_name_words = 1
        self._index: dict[str, list[Candidate]] = {}
        self._fuzzy_pool: dict[str, list[str]] = {}  # by first letter
        self.kommune_keys: list[str] = []  # kommune names long enough for a misspelling allowance

    @classmethod
    def read(cls) -> Names:
        names = cls()
        names._read_kommuner()
        names._read_towns("places.csv")
        # Bydeler and neighbourhoods as people say them ("på Grünerløkka"), each row with the page that
        # gives its coordinates (SOURCES.md). Ranked as towns; size 0, so a town of the same name wins.
        names._read_towns("neighbourhoods.csv")
        names._read_postcodes()
        names._sort()
        return names

    def best(self, key: str) -> Candidate | None:
        """The best place for a folded name, if any place goes by it."""
        candidates = self._index.get(key)
        return candidates[0] if candidates else None

    def closest(self, key: str, pool: list[str] | None = None, min_length: int = 5) -> Place | None:
        """The place whose name is closest to a misspelt one by difflib's ratio; strict for short words."""
        if len(key) < min_length or key in NEVER_PLACE_WORDS:
            return None
        pool = pool if pool is not None else self._fuzzy_pool.get(key[0], [])
        cutoff = 0.9 if len(key) <= 6 else 0.84
        best: tuple[float, tuple[int, int, str], str] | None = None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        for name in pool:
            if abs(len(name) - len(key)) > 2 or name[0] != key[0]:
                continue
            matcher.set_seq1(name)
            if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                continue
            ratio = matcher.ratio()
            if ratio < cutoff:
                continue
            top = self._index[name][0]
            score = (ratio, (-top.rank, -top.minus_size, name), name)
            if best is None or score[:2] > best[:2]:
                best = score
        return self._index[best[2]][0].place if best else None

    def _read_kommuner(self) -> None:
        for row in _read_csv("kommuner.csv"):
            kommune = Kommune(row["number"], row["name"], tuple(filter(None, row["alt_names"].split("|"))),
                              row["fylke_number"], row["fylke"], row["health_region"],
                              float(row["lat"]), float(row["lon"]))
            self.kommuner[kommune.number] = kommune
            self.sizes[kommune.number] = int(row["size"])
            place = Place(kommune.name, "kommune", kommune, kommune.lat, kommune.lon)
            self._add(kommune.name, Rank.KOMMUNE, self.sizes[kommune.number], place)
            for alt in kommune.alt_names:
                self._add(alt, Rank.KOMMUNE_ALT, self.sizes[kommune.number], place)

    def _read_towns(self, file_name: str) -> None:
        for row in _read_csv(file_name):
            place = Place(row["name"], "town", self.kommuner[row["kommune"]], float(row["lat"]), float(row["lon"]))
            size = int(row.get("population") or 0)
            self._add(row["name"], Rank.TOWN, size, place)
            for alt in filter(None, row["alt_names"].split("|")):
                self._add(alt, Rank.TOWN_ALT, size, place)

    def _read_postcodes(self) -> None:
        poststeder_seen: set[tuple[str, str]] = set()
        for row in _read_csv("postcodes.csv"):
            kommune = self.kommuner[row["kommune"]]
            lat, lon = float(row["lat"]), float(row["lon"])
            self.postcodes[row["postcode"]] = Place(f"{row['postcode']} {row['poststed']}", "postcode", kommune, lat, lon)
            self.postcode_points[row["postcode"]] = row["point"]
            if (row["poststed"], kommune.number) not in poststeder_seen:  # the poststed's first postcode places it
                poststeder_seen.add((row["poststed"], kommune.number))
                self._add(row["poststed"], Rank.POSTSTED, self.sizes[kommune.number],
                          Place(row["poststed"], "town", kommune, lat, lon))

    def _add(self, name: str, rank: Rank, size: int, place: Place) -> None:
        key = fold(name)
        if not key:
            return
        candidates = self._index.setdefault(key, [])
        for i, known in enumerate(candidates):  # one entry per place: keep its best rank
            if known.place.kommune is place.kommune and known.place.kind == place.kind \
                    and known.place.name == place.name:
                if rank < known.rank:
                    candidates[i] = Candidate(rank, -size, place)
                return
        candidates.append(Candidate(rank, -size, place))
        self.longest_name_words = max(self.longest_name_words, key.count(" ") + 1)

    def _sort(self) -> None:
        for candidates in self._index.values():
            candidates.sort(key=lambda c: (c.rank, c.minus_size, c.place.kommune.number))
        for key in self._index:
            if len(key) >= FUZZY_MIN_LENGTH and key not in NEVER_PLACE_WORDS:
                self._fuzzy_pool.setdefault(key[0], []).append(key)
        self.kommune_keys = sorted(key for key, candidates in self._index.items()
                                   if candidates[0].rank <= Rank.KOMMUNE_ALT and len(key) >= KOMMUNE_TYPO_MIN_LENGTH)


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
