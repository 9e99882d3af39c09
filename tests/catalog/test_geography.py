"""Tests for services_catalog.geography on the real committed data."""
from __future__ import annotations

import csv
import time

import pytest

from services_catalog.geography import DATA_DIR, Gazetteer, Kommune, Place, fold

HEALTH_REGIONS = {"Helse Sør-Øst", "Helse Vest", "Helse Midt-Norge", "Helse Nord"}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _resolved_number(gaz: Gazetteer, text: str) -> str | None:
    place = gaz.resolve(text)
    return place.kommune.number if place else None


# --- kommuner and fylker --------------------------------------------------
def test_357_kommuner_in_15_fylker(gaz):
    kommuner = gaz.kommuner()
    assert len(kommuner) == 357
    assert len({k.number for k in kommuner}) == 357
    assert len({k.fylke_number for k in kommuner}) == 15
    assert all(k.number[:2] == k.fylke_number for k in kommuner)


def test_2024_numbers_of_split_fylker(gaz):
    expected = {"3201": "Bærum", "3203": "Asker", "3236": "Jevnaker",
                "3118": "Indre Østfold", "3301": "Drammen", "3911": "Færder",
                "4026": "Tinn", "5501": "Tromsø", "5612": "Kautokeino",
                "5610": "Karasjok", "1508": "Ålesund", "1580": "Haram",
                "0301": "Oslo", "4601": "Bergen"}
    assert {n: gaz.kommune(n).name for n in expected} == expected
    assert gaz.kommune("3024") is None  # 2020 number of Bærum
    assert gaz.kommune("301").name == "Oslo"


def test_every_fylke_has_one_of_four_health_regions(gaz):
    by_fylke: dict[str, set[str]] = {}
    for k in gaz.kommuner():
        by_fylke.setdefault(k.fylke_number, set()).add(k.health_region)
    assert set().union(*by_fylke.values()) == HEALTH_REGIONS
    assert by_fylke["46"] == {"Helse Vest"}
    assert by_fylke["03"] == {"Helse Sør-Øst"}
    assert by_fylke["50"] == {"Helse Midt-Norge"}
    assert by_fylke["56"] == {"Helse Nord"}
    # Bindal (Nordland) is served by Helse Midt-Norge
    assert gaz.kommune("1811").health_region == "Helse Midt-Norge"
    assert gaz.kommune("1804").health_region == "Helse Nord"


def test_sami_parallel_names(gaz):
    assert "Guovdageaidnu" in gaz.kommune("5612").alt_names
    assert "Kárášjohka" in gaz.kommune("5610").alt_names
    assert "Romsa" in gaz.kommune("5501").alt_names
    assert _resolved_number(gaz, "Guovdageaidnu") == "5612"
    assert _resolved_number(gaz, "Kárášjohka") == "5610"
    assert _resolved_number(gaz, "karasjohka") == "5610"


def test_representative_points_are_inside_norway(gaz):
    for k in gaz.kommuner():
        assert 57.9 < k.lat < 71.2 and 4.0 < k.lon < 31.2, k


# --- resolve ----------------------------------------------------------------
@pytest.mark.parametrize("text,number", [
    ("i Bergen", "4601"), ("Bergen", "4601"), ("BERGEN", "4601"),
    ("bor på Lillehammer", "3405"), ("Romsa", "5501"),
    ("jeg bur i Romsa", "5501"), ("tromso", "5501"), ("Tromsoe", "5501"),
    ("trondhiem", "5001"), ("I live in Oslo", "0301"),
    ("near Drammen", "3301"), ("Aalesund", "1508"), ("Baerum", "3201"),
    ("nord odal", "3414"), ("Brattvåg", "1580"), ("Ski", "3207"),
    ("jeg er fra Vadsø", "5607"), ("Tromsø kommune", "5501"),
    ("lilehammer", "3405"),
])
def test_resolve(gaz, text, number):
    assert _resolved_number(gaz, text) == number


@pytest.mark.parametrize("text", ["hei", "ja", "nei", "rus", "hjelp", "Hjelp",
                                  "jeg trenger hjelp", "", "   ", "Troms"])
def test_resolve_rejects_common_words(gaz, text):
    assert gaz.resolve(text) is None


def test_resolve_prefers_kommune_over_village(gaz):
    place = gaz.resolve("Nes")
    assert place.kind == "kommune" and place.kommune.number == "3228"
    assert gaz.resolve("Lillehammer").kind == "kommune"
    assert gaz.resolve("Ski").kind == "town"


def test_resolve_finds_place_in_sentence(gaz):
    assert _resolved_number(gaz, "jeg bor i Bergen og trenger hjelp") == "4601"


def test_postcodes(gaz):
    place = gaz.resolve("5003")
    assert place.kind == "postcode" and place.kommune.number == "4601"
    assert place.name == "5003 Bergen"
    assert _resolved_number(gaz, "postnummer 0150") == "0301"
    assert _resolved_number(gaz, "9008") == "5501"  # Tromsø, renumbered
    assert _resolved_number(gaz, "6270") == "1580"  # Brattvåg -> Haram
    assert _resolved_number(gaz, "6002") == "1508"  # Ålesund
    assert gaz.resolve("9999") is None  # not a Norwegian postcode
    assert gaz.resolve("0000") is None


def test_postcode_file_covers_every_fylke():
    with open(DATA_DIR / "postcodes.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 4500
    assert {r["kommune"][:2] for r in rows} == {
        "03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42",
        "46", "50", "55", "56"}


# --- find_in_text ---------------------------------------------------------
def _spans(gaz, text):
    return [(text[a:b], p.kommune.number) for a, b, p in gaz.find_in_text(text)]


def test_find_in_text_span(gaz):
    text = "jeg trenger hjelp med rusen min, bor i Bergen"
    [(start, end, place)] = gaz.find_in_text(text)
    assert (start, end) == (text.index("Bergen"), len(text))
    assert place.kommune.number == "4601"


def test_find_in_text_longest_and_multiple(gaz):
    assert _spans(gaz, "Min sønn bor i Nord-Odal og på Lillehammer") == [
        ("Nord-Odal", "3414"), ("Lillehammer", "3405")]
    assert _spans(gaz, "bor i Bø i Telemark") == [("Bø i Telemark", "4020")]
    assert _spans(gaz, "hjelp i trondhiem") == [("trondhiem", "5001")]


@pytest.mark.parametrize("text", [
    "Jeg har time hos legen i morgen", "jeg må ha hjelp nå",
    "Moss er fint", "jeg går på ski", "jeg prøver på å slutte",
    "jeg ble født i 1985 og har 3000 kr", "det er os her",
    "hei ja nei rus hjelp",
])
def test_find_in_text_avoids_common_words(gaz, text):
    assert gaz.find_in_text(text) == []


def test_find_in_text_accepts_ambiguous_after_preposition(gaz):
    assert _spans(gaz, "Vi bor i Moss") == [("Moss", "3103")]
    assert _spans(gaz, "Jeg bor på Time") == [("Time", "1121")]
    assert _spans(gaz, "jeg bor i Os") == [("Os", "3430")]


def test_find_in_text_postcodes_need_evidence(gaz):
    assert _spans(gaz, "jeg bor på 5003 Bergen") == [("5003 Bergen", "4601")]
    assert _spans(gaz, "postnummer 5003") == [("5003", "4601")]
    assert _spans(gaz, "det koster 5003 kroner") == []


# --- coordinates ------------------------------------------------------------
@pytest.mark.parametrize("lat,lon,number", [
    (60.39, 5.32, "4601"), (59.91, 10.75, "0301"), (69.65, 18.96, "5501"),
    (62.600, 6.444, "1580"),  # Brattvåg, Haram
    (62.472, 6.155, "1508"),  # Ålesund centre
    (62.505, 6.693, "1508"),  # Skodje stays in Ålesund
    (69.01, 23.04, "5612"),  # Kautokeino
    (70.98, 25.97, "5620"),  # Honningsvåg harbour, just off the coastline
])
def test_kommune_at(gaz, lat, lon, number):
    assert gaz.kommune_at(lat, lon).number == number


@pytest.mark.parametrize("lat,lon", [(65.0, 0.0), (57.0, 3.0), (78.22, 15.65),
                                     (59.33, 18.07)])  # sea, Svalbard, Stockholm
def test_kommune_at_outside_norway(gaz, lat, lon):
    assert gaz.kommune_at(lat, lon) is None


def test_towns_lie_in_their_kommune(gaz):
    """Cross-check build-time assignment against the runtime polygons."""
    with open(DATA_DIR / "places.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 600
    wrong = [r["name"] for r in rows
             if (k := gaz.kommune_at(float(r["lat"]), float(r["lon"])))
             is None or k.number != r["kommune"]]
    assert len(wrong) <= 3, wrong


# --- misc -----------------------------------------------------------------
def test_fold():
    assert fold("Tromsø") == fold("tromso") == fold("Tromsoe")
    assert fold("Ålesund") == fold("Aalesund")
    assert fold("Bærum") == fold("Baerum")
    assert fold("Nord-Odal") == "nord odal"


def test_types_and_cached_load(gaz):
    assert Gazetteer.load() is gaz
    assert isinstance(gaz.kommune("4601"), Kommune)
    assert isinstance(gaz.resolve("Bergen"), Place)


def test_resolve_is_fast(gaz):
    start = time.perf_counter()
    for _ in range(50):
        gaz.resolve("trondhiem")
        gaz.resolve("jeg bor i Bergen og trenger hjelp")
    assert (time.perf_counter() - start) / 100 < 0.02


def test_resolve_picks_home_from_sentence_with_two_places(gaz):
    assert _resolved_number(gaz, "er i Bergen nå men bor i Florø") == "4602"
    assert _resolved_number(gaz, "jeg bor i Bergen men er i Oslo nå") == "4601"
    assert _resolved_number(gaz, "i Sandviken i Bergen") == "4601"


def test_acronyms_are_not_places(gaz):
    assert _spans(gaz, "jeg vil ha et NA-møte i Stavanger") == [
        ("Stavanger", "1103")]


@pytest.mark.parametrize("said, kommune", [("Grünerløkka", "0301"), ("grunerlokka", "0301"), ("Tøyen", "0301"),
                                            ("Laksevåg", "4601"), ("Åsane", "4601"), ("Madla", "1103")])
def test_neighbourhoods_resolve_to_their_kommune_and_a_point(said, kommune):
    place = Gazetteer.load().resolve(said)
    assert place is not None and place.kommune.number == kommune and place.kind == "town"


def test_every_neighbourhood_point_lies_in_its_own_kommune():
    """The table's coordinates come from pages; a point outside the kommune it names would be a wrong fact."""
    gazetteer = Gazetteer.load()
    with open(DATA_DIR / "neighbourhoods.csv", encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    assert len(rows) > 30 and all(r["source_url"].startswith(("http://", "https://")) for r in rows)
    outside = [r["name"] for r in rows
               if (gazetteer.kommune_at(float(r["lat"]), float(r["lon"])) or None) is None
               or gazetteer.kommune_at(float(r["lat"]), float(r["lon"])).number != r["kommune"]]
    assert not outside, outside


def test_a_neighbourhood_is_found_in_a_sentence():
    [(_, _, place)] = Gazetteer.load().find_in_text("jeg bor på Grünerløkka og trenger hjelp med rus")
    assert place.name == "Grünerløkka" and place.kommune.name == "Oslo"
