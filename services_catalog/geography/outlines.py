"""Which kommune a point is in, from the kommuner's simplified outlines (Kartverket, CC BY 4.0).

The outlines load on first use: most conversations never share a position.
Rings are flat integer lists [x0, y0, x1, y1, ...] with x = lon * scale and
y = lat * scale, as scripts/build_geography.py writes them.
"""
from __future__ import annotations

import gzip
import json
import math
import threading
from typing import NamedTuple

from services_catalog.geography.names import DATA_DIR

# A point just outside the simplified coastline (a harbour, a ferry) still belongs to the
# nearest kommune within this many degrees (about 1 km).
COAST_TOLERANCE_DEG = 0.01

Ring = list[int]


class Outline(NamedTuple):
    box: tuple[float, float, float, float]  # min x, min y, max x, max y
    rings: list[Ring]


class Outlines:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scale = 1.0
        self._outlines: dict[str, Outline] | None = None

    def kommune_at(self, lat: float, lon: float) -> str | None:
        """The number of the kommune holding the point (WGS84), or of one within the coast tolerance."""
        x, y = lon * self.scale, lat * self.scale
        for number, outline in self.by_kommune().items():
            if _in_box(outline.box, x, y, 0, 0) and _inside(outline.rings, x, y):
                return number
        return self._near_coast(x, y, math.cos(math.radians(lat)))

    @property
    def scale(self) -> float:
        self.by_kommune()
        return self._scale

    def by_kommune(self) -> dict[str, Outline]:
        if self._outlines is None:
            with self._lock:
                if self._outlines is None:
                    self._outlines = self._read()
        return self._outlines

    def _read(self) -> dict[str, Outline]:
        with gzip.open(DATA_DIR / "kommune_polygons.json.gz", "rt", encoding="utf-8") as f:
            raw = json.load(f)
        self._scale = raw["scale"]
        outlines = {}
        for number, rings in raw["kommuner"].items():
            xs = [v for ring in rings for v in ring[0::2]]
            ys = [v for ring in rings for v in ring[1::2]]
            outlines[number] = Outline((min(xs), min(ys), max(xs), max(ys)), rings)
        return outlines

    def _near_coast(self, x: float, y: float, x_factor: float) -> str | None:
        """Why: a phone in a harbour or on a ferry is just outside the simplified land polygon
        but clearly in that kommune."""
        tolerance = COAST_TOLERANCE_DEG * self._scale
        nearest, nearest_d2 = None, tolerance * tolerance
        for number, outline in self.by_kommune().items():
            if not _in_box(outline.box, x, y, tolerance / x_factor, tolerance):
                continue
            for ring in outline.rings:
                d2 = _distance2_to_ring(ring, x, y, x_factor)
                if d2 < nearest_d2:
                    nearest, nearest_d2 = number, d2
        return nearest


def _in_box(box: tuple[float, float, float, float], x: float, y: float, margin_x: float, margin_y: float) -> bool:
    return box[0] - margin_x <= x <= box[2] + margin_x and box[1] - margin_y <= y <= box[3] + margin_y


def _inside(rings: list[Ring], x: float, y: float) -> bool:
    """Even-odd over all rings, so holes (a lake, an enclave) are outside."""
    inside = False
    for ring in rings:
        if _in_ring(ring, x, y):
            inside = not inside
    return inside


def _in_ring(ring: Ring, x: float, y: float) -> bool:
    """Even-odd ray casting on a flat ring."""
    inside = False
    n = len(ring)
    xj, yj = ring[n - 2], ring[n - 1]
    for k in range(0, n, 2):
        xi, yi = ring[k], ring[k + 1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        xj, yj = xi, yi
    return inside


def _distance2_to_ring(ring: Ring, x: float, y: float, x_factor: float) -> float:
    """Squared distance from the point to the ring's edges, x scaled by cos(lat)."""
    best = math.inf
    n = len(ring)
    ax, ay = ring[n - 2], ring[n - 1]
    for k in range(0, n, 2):
        bx, by = ring[k], ring[k + 1]
        dx, dy = (bx - ax) * x_factor, by - ay
        px, py = (x - ax) * x_factor, y - ay
        segment2 = dx * dx + dy * dy
        t = 0.0 if segment2 == 0 else max(0.0, min(1.0, (px * dx + py * dy) / segment2))
        ex, ey = px - t * dx, py - t * dy
        best = min(best, ex * ex + ey * ey)
        ax, ay = bx, by
    return best
