"""The curated source files: every fact names the page that states it, and the build refuses what breaks that."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from services_catalog import translation_stamps
from services_catalog.sources import compile_sources, shipped_services, source_files
from tests.support.cli import veiviser

CHECKED = date(2026, 12, 3)


def test_every_shipped_record_and_fact_has_a_page_with_a_date_or_undated():
    services = shipped_services()
    assert len(services) > 200
    for file, service in services:
        urls = {source["url"] for source in service["x_sources"]}
        assert urls and all(url.startswith(("https://", "http://")) for url in urls), (file, service["name"])
        assert all(s["page_date"] == "undated" or date.fromisoformat(s["page_date"]) <= CHECKED
                   for s in service["x_sources"]), service["name"]
        cited = [p["x_source_url"] for p in service["phones"]] + [s["x_source_url"] for s in service["schedules"]]
        cited += [sal["location"]["x_source_url"] for sal in service["service_at_locations"]]
        assert set(cited) <= urls, (file, service["name"])


def test_no_shipped_number_is_the_old_fabricated_kind():
    """The seed catalogue once held numbers from a project note, not from a page; none may come back unsourced."""
    for _, service in shipped_services():
        for phone in service["phones"]:
            assert phone["x_source_url"] and phone["number"].replace(" ", "").lstrip("+").isdigit(), phone


def test_each_record_keeps_all_the_areas_it_serves(tmp_path):
    """Area ids once depended only on the area, so two records serving Troms shared one row and one lost it."""
    path = write(tmp_path, [record("a-1", area="fylke:55"), record("a-2", area="fylke:55")])
    services = [obj for _, obj in compile_sources([path]).services]
    assert [len(s["service_areas"]) for s in services] == [1, 1]
    assert services[0]["service_areas"][0]["id"] != services[1]["service_areas"][0]["id"]


def test_a_region_is_its_fylker(tmp_path):
    [(_, service)] = compile_sources([write(tmp_path, [record("r-1", area="region:helse-nord")])]).services
    assert sorted(a["uri"] for a in service["service_areas"]) == [
        "urn:ssb:fylke:18", "urn:ssb:fylke:55", "urn:ssb:fylke:56"]


@pytest.mark.parametrize("change, field", [
    ({"phones": [{"number": "22 22 22 22"}]}, "phones"),
    ({"address": {"street": "Storgata 1", "postcode": "0155", "city": "Oslo"}}, "address"),
    ({"hours": [{"days": ["mo"], "opens": "09:00", "closes": "15:00"}]}, "hours"),
    ({"wait": {"weeks": 4, "measured": date(2026, 10, 1)}}, "wait"),
    ({"phones": [{"number": "22 22 22 22", "source": "nowhere"}]}, "source"),
    ({"source": []}, "source"),
    ({"hours": [{"days": ["mon"], "opens": "9", "closes": "15:00", "source": "page"}]}, "hours.days"),
    ({"area": "kommune:9999"}, "area"),
    ({"types": ["avrusing"]}, "types"),
    ({"owner": "privat"}, "owner"),
])
def test_a_fact_without_its_page_or_a_bad_value_is_refused_and_named(tmp_path, change, field):
    compiled = compile_sources([write(tmp_path, [record("bad-1", **change)])])
    assert not compiled.services
    assert field in {problem.field for problem in compiled.problems}, compiled.problems


def test_a_source_needs_a_web_address_and_dates(tmp_path):
    path = write(tmp_path, [record("s-1")], sources={"page": {"url": "www.example.org", "page_date": "26.02.2024"}})
    messages = " ".join(problem.message for problem in compile_sources([path]).problems)
    assert "url must be a web address" in messages and "page_date" in messages and "checked" in messages


def test_an_id_used_twice_is_refused(tmp_path):
    first, second = write(tmp_path, [record("same")], name="a.yml"), write(tmp_path, [record("same")], name="b.yml")
    problems = compile_sources([first, second]).problems
    assert [(p.record_id, p.field) for p in problems] == [("same", "id")] and "a.yml" in problems[0].message


def test_a_postcode_places_the_address_at_its_town_and_says_so(tmp_path):
    path = write(tmp_path, [record("p-1", address={"street": "Storgata 1", "postcode": "5003", "city": "Bergen",
                                                    "source": "page"})])
    [(_, service)] = compile_sources([path]).services
    location = service["service_at_locations"][0]["location"]
    assert location["x_point_precision"] in ("poststed", "kommune") and location["latitude"] > 60
    assert location["addresses"][0]["state_province"] == "Vestland"


def test_an_english_block_travels_as_x_translations_beside_the_norwegian(tmp_path):
    path = write(tmp_path, [record("e-1", en={"description": "For the test.", "hours_note": "Closed in July."},
                                   hours_note={"text": "Stengt i juli.", "source": "page"})])
    [(_, service)] = compile_sources([path]).services
    assert service["description"] == "For testen."
    assert service["x_translations"] == {"en": {"description": "For the test."}}
    [note] = service["schedules"]
    assert (note["description"], note["x_translations"]) == ("Stengt i juli.", {"en": {"description": "Closed in July."}})


@pytest.mark.parametrize("block, field", [
    ({"summary": "Not a field."}, "translations.en"),
    ({"description": 42}, "translations.en"),
    ({"hours_note": "A note the record does not have."}, "en.hours_note"),
    ("just text", "en"),
])
def test_a_translation_of_no_known_field_is_refused_and_named(tmp_path, block, field):
    compiled = compile_sources([write(tmp_path, [record("e-2", en=block)])])
    assert not compiled.services
    assert field in {problem.field for problem in compiled.problems}, compiled.problems


def test_the_shipped_source_files_are_valid_yaml_with_the_documented_keys():
    for path in source_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(document) <= {"sources", "services"}, path


def record(slug: str, **changes) -> dict:
    return {"id": slug, "name": f"Tjeneste {slug}", "organization": "Org", "owner": "kommune",
            "types": ["kommunal-rustjeneste"], "description": "For testen.", "source": ["page"],
            "area": "kommune:0301", **changes}


def write(tmp_path: Path, records: list[dict], sources: dict | None = None, name: str = "test.yml") -> Path:
    sources = sources or {"page": {"url": "https://example.org/side", "page_date": date(2026, 1, 5), "checked": CHECKED}}
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"sources": sources, "services": records}, allow_unicode=True), encoding="utf-8")
    return path


# --- translations follow the Norwegian (services_catalog/translation_stamps.py) ----------------------------------


def test_every_shipped_translation_was_written_from_the_norwegian_as_it_is_now():
    redo = translation_stamps.to_redo(translation_stamps.current(), translation_stamps.read_stamps())
    assert redo == {}, ("Redo these translations (the en:/nn: block), then run "
                        f"`veiviser catalog translations --stamp ID ...`: {redo}")


def test_a_changed_norwegian_asks_for_its_translation_again_until_it_is_stamped(tmp_path):
    first = record("t-1", en={"description": "For the test."})
    path = write(tmp_path, [first])
    stamps = translation_stamps.stamp(translation_stamps.current([path]), {}, None)
    assert translation_stamps.to_redo(translation_stamps.current([path]), stamps) == {}

    write(tmp_path, [{**first, "description": "For  testen.\n"}])  # spacing is no change of words
    assert translation_stamps.to_redo(translation_stamps.current([path]), stamps) == {}

    write(tmp_path, [{**first, "description": "Stengt for nye."}, record("t-2", en={"description": "New."})])
    now = translation_stamps.current([path])
    assert translation_stamps.to_redo(now, stamps) == {
        "t-1 en.description": "the Norwegian changed since it was translated", "t-2 en.description": "not stamped yet"}
    stamps = translation_stamps.stamp(now, stamps, {"t-1"})
    assert translation_stamps.to_redo(now, stamps) == {"t-2 en.description": "not stamped yet"}


def test_stamping_drops_translations_that_are_gone(tmp_path):
    path = write(tmp_path, [record("t-1", en={"description": "For the test."})])
    stamps = translation_stamps.stamp(translation_stamps.current([path]), {"gone en.description": "0" * 16}, None)
    assert list(stamps) == ["t-1 en.description"]


def test_stamping_an_unknown_record_is_refused_and_named():
    done = veiviser("sqlite://", "translations", "--stamp", "no-such-record")
    assert done.returncode == 2 and "no-such-record" in done.stderr
