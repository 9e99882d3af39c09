"""The coverage of one service type as an SVG map of the kommuner, coloured by what is within reach.

Drawn from the kommune outlines the project already ships (Kartverket, CC BY
4.0), in plain SVG: no plotting library, and a browser or a document shows it
as it is. Each kommune says its name and level in a tooltip.
"""
from __future__ import annotations

import math
from html import escape

from services_catalog.coverage import LEVELS, Coverage
from services_catalog.geography import Gazetteer

COLOURS = {"local": "#1a7f37", "regional": "#9ac46b", "national": "#f0b429", "none": "#c62828"}
LABELS_NB = {"local": "i kommunen", "regional": "i nærheten eller fylket", "national": "bare nasjonalt",
             "none": "ingenting med telefon"}
WIDTH = 520
# Every n-th vertex is kept: the shipped outlines are finer than a map of the country needs.
STEP = 3
LATITUDE = 65.0  # the projection's standard parallel, near the middle of Norway


def svg_map(coverage: Coverage, service_type: str, gazetteer: Gazetteer, title: str) -> str:
    scale, outlines = gazetteer.outlines()
    shrink = math.cos(math.radians(LATITUDE))
    xs = [v * shrink for rings in outlines.values() for ring in rings for v in ring[0::2]]
    ys = [v for rings in outlines.values() for ring in rings for v in ring[1::2]]
    left, top, span = min(xs), max(ys), max(max(xs) - min(xs), max(ys) - min(ys))
    factor = WIDTH / span
    height = round((max(ys) - min(ys)) * factor)

    def path(ring: list[int]) -> str:
        points = list(zip(ring[0::2], ring[1::2]))[::STEP] or list(zip(ring[0::2], ring[1::2]))
        return "M" + "L".join(f"{(x * shrink - left) * factor:.1f},{(top - y) * factor:.1f}" for x, y in points) + "Z"

    names = {k.number: k.name for k in coverage.kommuner}
    shapes = []
    for number, rings in sorted(outlines.items()):
        level = coverage.levels.get((service_type, number), "none")
        d = "".join(path(ring) for ring in rings if len(ring) >= 6)
        shapes.append(f'<path d="{d}" fill="{COLOURS[level]}"><title>{escape(names.get(number, number))}: '
                      f'{LABELS_NB[level]}</title></path>')
    legend = "".join(
        f'<rect x="10" y="{20 + 22 * n}" width="16" height="16" fill="{COLOURS[level]}"/>'
        f'<text x="32" y="{33 + 22 * n}" font-size="14">{LABELS_NB[level]}</text>'
        for n, level in enumerate(LEVELS))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-label="{escape(title)}" font-family="sans-serif">'
            f'<title>{escape(title)}</title><g stroke="#ffffff" stroke-width="0.3">{"".join(shapes)}</g>'
            f'<g>{legend}</g></svg>')
