"""Offline Norwegian geography: kommuner, towns and postcodes (2024 division).

Why: the bot must turn what a user writes ("bor på Lillehammer", "Romsa",
"5003", "trondhiem") into a kommune, to find help near them, without any
network call and without personal data leaving the machine.  Everything is
read from committed files in ``data/geography`` (built by
``scripts/build_geography.py``; sources and licences in its SOURCES.md) with
the standard library only.
"""
from __future__ import annotations

import csv
import difflib
import gzip
import json
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Kommune", "Place", "Gazetteer", "fold"]

DATA_DIR = Path(__file__).resolve().parent / "data" / "geography"

# Words that must never be read as a place, even though some of them are
# (alternate) names of tiny places in GeoNames.  Folded form (see fold()).
NEVER_PLACE_WORDS = frozenset("""
a e i o u y na hei hallo heisann hello hi ja jo nei no yes ok okei okay takk
rus rusen hjelp hjelpe help jeg eg meg deg du han hun vi dere de det den
en et ei og eller men er var har kan vil skal ma bor bur live dop hasj
alkohol piller sprit drikke familie mor far barn sonn datter venn
""".split())

# Place names that are also ordinary words: accepted inside a longer message
# only after a preposition ("i", "på", "fra", ...) or when capitalised
# mid-sentence.  Folded form.
AMBIGUOUS_PLACE_WORDS = frozenset("""
bo ski moss vik dal nes sand sund sola lund lier vang lom fla al sel stad kinn
alver rost leka vega tinn oyer fet hol gol berg hov bud eid mo dale moen lia
bryn valle grue rena hell heim fjord os strand gran sande hjelset vestby
""".split())

# Even more common words: need a capital letter (after a preposition or
# mid-sentence) - "jeg har time" is not Time kommune, "må ha" is not Hå.
STRICT_PLACE_WORDS = frozenset("time ha as land hole by ski".split())

# Fylke names: too broad for a place.  resolve() returns None for them
# instead of fuzzy-matching "Troms" to Tromsø (unless a kommune or town
# has the same name, like Oslo).
FYLKE_WORDS = frozenset([
    "ostfold", "akershus", "buskerud", "innlandet", "vestfold", "telemark",
    "agder", "rogaland", "vestland", "more og romsdal", "nordland",
    "trondelag", "troms", "finnmark", "viken", "vestfold og telemark",
    "troms og finnmark", "hordaland", "sogn og fjordane", "oppland",
    "hedmark", "nord trondelag", "sor trondelag", "aust agder", "vest agder"])

# Tolerance for kommune_at() when a point falls just outside the simplified
# coastline (harbours, ferries): ~1 km.
COAST_TOLERANCE_DEG = 0.01

PREPOSITIONS = frozenset(
    "i pa paa fra til ved nar naer rundt omkring utenfor near in at from "
    "around outside".split())

# Filler stripped by resolve() before matching the remainder as a name.
FILLER = frozenset("""
i pa paa ved fra til nar naer rundt omkring utenfor near in at from around
outside close to the bor bur bu jeg eg e er m im am live lives living
stay staying my we vi hei hallo hi hello heisann kommune kommun kommunen
byen omradet omegn sentrum like ca cirka sted stad hjemme hjem er ifra
""".split()) - {"stad"}

# The words that say "lives in": a place after them is where the person is (the chat's place extractor reads them too).
LIVE_WORDS = frozenset("bor bur bo bu live lives living".split())

POSTCODE_WORDS = frozenset("postnummer postnr postkode post nr zip postcode".split())

_TOKEN = re.compile(r"[^\W_]+")
_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "đ": "d",
                             "ŋ": "n", "ŧ": "t", "ß": "ss", "ð": "d",
                             "þ": "th", "ł": "l", "ʒ": "z", "ǯ": "z"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, strip accents and unify æøå/ae/oe/aa spellings.

    Why: users type "tromso", "Tromsoe", "Aalesund" or "Karasjohka"; all
    must meet the official spelling.  Non-alphanumerics become single
    spaces so "Nord-Odal" == "nord odal".
    """
    t = text.lower().translate(_FOLD_TABLE)
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    return t.replace("aa", "a").replace("ae", "a").replace("oe", "o")


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


# candidate rank: lower is better (kommune name, kommune alias, town name,
# town alias, poststed name); ties broken by size (population proxy)
_R_KOMMUNE, _R_KOMMUNE_ALT, _R_TOWN, _R_TOWN_ALT, _R_POSTSTED = range(5)


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Gazetteer:
    """Name, postcode and coordinate lookup over the committed data files."""

    _instance: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._kommuner: dict[str, Kommune] = {}
        self._size: dict[str, int] = {}
        # folded name -> [(rank, -size, Place)] sorted best first
        self._index: dict[str, list[tuple[int, int, Place]]] = {}
        self._postcodes: dict[str, Place] = {}
        self._postcode_points: dict[str, str] = {}  # postcode -> "town" or "kommune" (postcodes.csv `point`)
        self._fuzzy_buckets: dict[str, list[str]] = {}
        self._kommune_keys: list[str] = []
        self._max_tokens = 1
        self._polygons: dict[str, tuple[tuple[float, ...], list]] | None = None

    # --- loading -----------------------------------------------------------
    @classmethod
    def load(cls) -> Gazetteer:
        """Load once per process: the files are static, callers share it."""
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    g = cls()
                    g._load()
                    cls._instance = g
        return cls._instance

    def _load(self) -> None:
        for r in _read_csv("kommuner.csv"):
            k = Kommune(r["number"], r["name"],
                        tuple(filter(None, r["alt_names"].split("|"))),
                        r["fylke_number"], r["fylke"], r["health_region"],
                        float(r["lat"]), float(r["lon"]))
            self._kommuner[k.number] = k
            self._size[k.number] = int(r["size"])
            p = Place(k.name, "kommune", k, k.lat, k.lon)
            self._add(k.name, _R_KOMMUNE, self._size[k.number], p)
            for alt in k.alt_names:
                self._add(alt, _R_KOMMUNE_ALT, self._size[k.number], p)
        for r in _read_csv("places.csv"):
            k = self._kommuner[r["kommune"]]
            p = Place(r["name"], "town", k, float(r["lat"]), float(r["lon"]))
            pop = int(r["population"])
            self._add(r["name"], _R_TOWN, pop, p)
            for alt in filter(None, r["alt_names"].split("|")):
                self._add(alt, _R_TOWN_ALT, pop, p)
        # Bydeler and neighbourhoods as people say them ("på Grünerløkka"), each row with the page that
        # gives its coordinates (SOURCES.md). Ranked as towns; size 0, so a town of the same name wins.
        for r in _read_csv("neighbourhoods.csv"):
            p = Place(r["name"], "town", self._kommuner[r["kommune"]], float(r["lat"]), float(r["lon"]))
            self._add(r["name"], _R_TOWN, 0, p)
            for alt in filter(None, r["alt_names"].split("|")):
                self._add(alt, _R_TOWN_ALT, 0, p)
        poststed_count: dict[tuple[str, str], int] = {}
        for r in _read_csv("postcodes.csv"):
            k = self._kommuner[r["kommune"]]
            lat, lon = float(r["lat"]), float(r["lon"])
            self._postcodes[r["postcode"]] = Place(
                f"{r['postcode']} {r['poststed']}", "postcode", k, lat, lon)
            self._postcode_points[r["postcode"]] = r["point"]
            key = (r["poststed"], k.number)
            poststed_count[key] = poststed_count.get(key, 0) + 1
            if poststed_count[key] == 1:
                self._add(r["poststed"], _R_POSTSTED, self._size[k.number],
                          Place(r["poststed"], "town", k, lat, lon))
        for cands in self._index.values():
            cands.sort(key=lambda c: (c[0], c[1], c[2].kommune.number))
        for key in self._index:
            if len(key) >= 4 and key not in NEVER_PLACE_WORDS:
                self._fuzzy_buckets.setdefault(key[0], []).append(key)
        self._kommune_keys = sorted(
            key for key, c in self._index.items()
            if c[0][0] <= _R_KOMMUNE_ALT and len(key) >= 6)

    def _add(self, name: str, rank: int, size: int, place: Place) -> None:
        key = fold(name)
        if not key:
            return
        cands = self._index.setdefault(key, [])
        # one entry per (kommune, kind): keep the best rank
        for i, (r, _, p) in enumerate(cands):
            if p.kommune is place.kommune and p.kind == place.kind \
                    and p.name == place.name:
                if rank < r:
                    cands[i] = (rank, -size, place)
                return
        cands.append((rank, -size, place))
        self._max_tokens = max(self._max_tokens, key.count(" ") + 1)

    # --- kommuner ----------------------------------------------------------
    def kommuner(self) -> list[Kommune]:
        """All 357 kommuner sorted by number."""
        return [self._kommuner[n] for n in sorted(self._kommuner)]

    def size(self, number: str) -> int:
        """People in the kommune's GeoNames towns (kommuner.csv `size`): a stand-in for its population."""
        return self._size.get(number, 0)

    def outlines(self) -> tuple[float, dict[str, list[list[int]]]]:
        """Each kommune's rings as flat [x0, y0, x1, y1, ...] with x = lon * scale, y = lat * scale; and the scale."""
        polygons = self._load_polygons()
        return self._scale, {number: rings for number, (_bbox, rings) in polygons.items()}

    def kommune(self, number: str) -> Kommune | None:
        """Kommune by its 4-digit 2024 number ("301" is padded to "0301")."""
        return self._kommuner.get(str(number).strip().zfill(4))

    def postcode_point(self, postcode: str) -> tuple[float, float, str] | None:
        """Where a postcode is on the map, and how well: "town" (its poststed's centre) or "kommune" (only the kommune's)."""
        place = self._postcodes.get(postcode)
        return (place.lat, place.lon, self._postcode_points[postcode]) if place else None

    # --- free text -----------------------------------------------------------
    def resolve(self, text: str) -> Place | None:
        """Best single place for a short answer like "bor på Lillehammer".

        Order: postcode, exact name (with and without filler words), exact
        name found inside the text, then a guarded fuzzy match.  Returns None
        rather than guess when nothing is close enough.
        """
        if not text or not text.strip():
            return None
        tokens = fold(text).split()
        content = [t for t in tokens if t not in FILLER]
        digits = [t for t in content if re.fullmatch(r"\d{4}", t)]
        if digits:
            place = self._postcodes.get(digits[0])
            rest = [t for t in content if t != digits[0]
                    and t not in POSTCODE_WORDS]
            if place is None or not rest or fold(place.name).endswith(
                    " ".join(rest)):
                return place
        joined = " ".join(content)
        if not content or joined in NEVER_PLACE_WORDS:
            return None
        if joined in FYLKE_WORDS and joined not in self._index:
            return None
        for key in (" ".join(tokens), " ".join(content)):
            cands = self._index.get(key)
            if cands and key not in NEVER_PLACE_WORDS:
                return cands[0][2]
        return self._best_span(text) or self._fuzzy(joined)

    def _fuzzy(self, key: str, keys: list[str] | None = None,
               min_len: int = 5) -> Place | None:
        """Closest name by difflib ratio; strict for short words."""
        if len(key) < min_len or key in NEVER_PLACE_WORDS:
            return None
        pool = keys if keys is not None else self._fuzzy_buckets.get(key[0], [])
        cutoff = 0.9 if len(key) <= 6 else 0.84
        best: tuple[float, tuple[int, int, str], str] | None = None
        sm = difflib.SequenceMatcher(autojunk=False)
        sm.set_seq2(key)
        for cand in pool:
            if abs(len(cand) - len(key)) > 2 or cand[0] != key[0]:
                continue
            sm.set_seq1(cand)
            if sm.real_quick_ratio() < cutoff or sm.quick_ratio() < cutoff:
                continue
            ratio = sm.ratio()
            if ratio < cutoff:
                continue
            top = self._index[cand][0]
            score = (ratio, (-top[0], -top[1], cand), cand)
            if best is None or score[:2] > best[:2]:
                best = score
        return self._index[best[2]][0][2] if best else None

    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]:
        """Spans (start, end, Place) of place names/postcodes in a message.

        Longest exact (folded) match wins.  Names that are also common words
        need a preposition before them or a capital letter mid-sentence;
        aliases and poststed names too, when written in lower case.  Only
        kommune names of 6+ letters get a small misspelling allowance.
        """
        return [(a, b, p) for a, b, p, _, _ in self._spans(text)]

    def _spans(self, text: str) -> list[tuple[int, int, Place, int, bool]]:
        """find_in_text() plus rank and whether "bor/live" came just before."""
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        out = []
        i = 0
        while i < len(toks):
            hit = self._match_at(text, toks, i)
            if hit is not None:
                n, place, rank = hit
                lives = any(fold(t[2]) in LIVE_WORDS
                            for t in toks[max(0, i - 3):i])
                out.append((toks[i][0], toks[i + n - 1][1], place, rank, lives))
                i += n
                continue
            i += 1
        return out

    def _best_span(self, text: str) -> Place | None:
        """Pick one place from a sentence for resolve().

        Why: "er i Bergen nå men bor i Florø" or "Sandviken i Bergen" name
        two places; the one after "bor"/"live" is home, otherwise the last
        primary name (people tend to end with where they are).
        """
        spans = self._spans(text)
        primary = [s for s in spans if s[3] <= _R_TOWN] or spans
        home = [s for s in primary if s[4]]
        pick = (home or primary or [None])[-1]
        return pick[2] if pick else None

    def _match_at(self, text: str, toks: list, i: int
                  ) -> tuple[int, Place, int] | None:
        word = toks[i][2]
        if re.fullmatch(r"\d{4}", word):
            return self._postcode_at(text, toks, i)
        for n in range(min(self._max_tokens, len(toks) - i), 0, -1):
            if n > 1 and not _joined(text, toks[i:i + n]):
                continue
            key = fold(" ".join(t[2] for t in toks[i:i + n]))
            cands = self._index.get(key)
            if cands and self._accept(text, toks, i, n, key, cands[0][0]):
                return n, cands[0][2], cands[0][0]
        key = fold(word)
        if len(key) >= 6 and key not in NEVER_PLACE_WORDS and (
                _after_preposition(toks, i) or _capital_mid(text, toks, i)):
            place = self._fuzzy(key, self._kommune_keys, min_len=6)
            if place is not None:
                return 1, place, _R_KOMMUNE
        return None

    def _accept(self, text: str, toks: list, i: int, n: int, key: str,
                rank: int) -> bool:
        """Guard against ordinary words that happen to be place names."""
        if key in NEVER_PLACE_WORDS:
            return False
        capital = toks[i][2][:1].isupper()
        if key in STRICT_PLACE_WORDS:
            return capital and (_after_preposition(toks, i)
                                or _capital_mid(text, toks, i))
        if key in AMBIGUOUS_PLACE_WORDS or len(key) <= 3 or \
                (rank >= _R_TOWN_ALT and not capital) or \
                (rank == _R_KOMMUNE_ALT and n == 1 and len(key) <= 4):
            return _after_preposition(toks, i) or _capital_mid(text, toks, i)
        return True

    def _postcode_at(self, text: str, toks: list, i: int
                     ) -> tuple[int, Place, int] | None:
        """A 4-digit number is a postcode only with evidence: a word like
        "postnummer" before it, its poststed after it, or nothing else."""
        place = self._postcodes.get(toks[i][2])
        if place is None:
            return None
        poststed = fold(place.name.split(" ", 1)[1]).split()
        nxt = [fold(t[2]) for t in toks[i + 1:i + 1 + len(poststed)]]
        if nxt == poststed:
            return 1 + len(poststed), place, _R_KOMMUNE
        prev = fold(toks[i - 1][2]) if i else ""
        if prev in POSTCODE_WORDS or len(toks) == 1:
            return 1, place, _R_KOMMUNE
        return None

    # --- coordinates -------------------------------------------------------
    def kommune_at(self, lat: float, lon: float) -> Kommune | None:
        """Kommune containing the point (WGS84); None outside Norway."""
        polys = self._load_polygons()
        x, y = lon * self._scale, lat * self._scale
        for number, (bbox, rings) in polys.items():
            if not (bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]):
                continue
            inside = False
            for ring in rings:
                if _in_ring(ring, x, y):
                    inside = not inside
            if inside:
                return self._kommuner[number]
        return self._near_coast(x, y, math.cos(math.radians(lat)))

    def _near_coast(self, x: float, y: float, kx: float) -> Kommune | None:
        """Nearest kommune border within COAST_TOLERANCE_DEG, else None.

        Why: a phone in a harbour or on a ferry is just outside the
        simplified land polygon but clearly in that kommune.
        """
        tol = COAST_TOLERANCE_DEG * self._scale
        best, best_d = None, tol * tol
        for number, (bbox, rings) in self._load_polygons().items():
            if not (bbox[0] - tol / kx <= x <= bbox[2] + tol / kx
                    and bbox[1] - tol <= y <= bbox[3] + tol):
                continue
            for ring in rings:
                d = _ring_dist2(ring, x, y, kx)
                if d < best_d:
                    best, best_d = number, d
        return self._kommuner[best] if best else None

    def _load_polygons(self) -> dict:
        """Polygons load lazily: most conversations never send coordinates."""
        if self._polygons is None:
            with gzip.open(DATA_DIR / "kommune_polygons.json.gz", "rt",
                           encoding="utf-8") as f:
                raw = json.load(f)
            self._scale = raw["scale"]
            polys = {}
            for number, rings in raw["kommuner"].items():
                xs = [v for r in rings for v in r[0::2]]
                ys = [v for r in rings for v in r[1::2]]
                polys[number] = ((min(xs), min(ys), max(xs), max(ys)), rings)
            self._polygons = polys
        return self._polygons


def _in_ring(ring: list[int], x: float, y: float) -> bool:
    """Even-odd ray casting on a flat [x0, y0, x1, y1, ...] ring."""
    inside = False
    n = len(ring)
    xj, yj = ring[n - 2], ring[n - 1]
    for k in range(0, n, 2):
        xi, yi = ring[k], ring[k + 1]
        if (yi > y) != (yj > y) and \
                x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        xj, yj = xi, yi
    return inside


def _ring_dist2(ring: list[int], x: float, y: float, kx: float) -> float:
    """Squared distance from point to ring edges, x scaled by cos(lat)."""
    best = math.inf
    n = len(ring)
    ax, ay = ring[n - 2], ring[n - 1]
    for k in range(0, n, 2):
        bx, by = ring[k], ring[k + 1]
        dx, dy = (bx - ax) * kx, by - ay
        px, py = (x - ax) * kx, y - ay
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else max(0.0, min(1.0, (px * dx + py * dy) / seg))
        ex, ey = px - t * dx, py - t * dy
        best = min(best, ex * ex + ey * ey)
        ax, ay = bx, by
    return best


def _joined(text: str, toks: list) -> bool:
    """Tokens form one name only if separated by spaces or hyphens."""
    return all(re.fullmatch(r"[ \-]{1,2}", text[a[1]:b[0]] or "x")
               for a, b in zip(toks, toks[1:]))


def _after_preposition(toks: list, i: int) -> bool:
    return i > 0 and fold(toks[i - 1][2]) in PREPOSITIONS


def _capital_mid(text: str, toks: list, i: int) -> bool:
    """Capitalised (not an acronym like NA, AA, LAR) and not sentence-initial."""
    word = toks[i][2]
    if i == 0 or not word[:1].isupper() or (len(word) > 1 and word.isupper()):
        return False
    between = text[toks[i - 1][1]:toks[i][0]]
    return not re.search(r"[.!?:;\n]", between)
