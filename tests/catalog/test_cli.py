"""The staff lookup from a terminal, run as the real `veiviser` command."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from services_catalog.sources import shipped_services
from tests.support.cli import veiviser



@pytest.fixture
def url(catalogue_url: str, tmp_path: Path) -> str:
    """A private copy of the shipped catalogue, so a test may change it."""
    copy = tmp_path / "catalogue.sqlite"
    shutil.copy(catalogue_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def some_service() -> dict:
    return shipped_services()[0][1]


def test_show_prints_a_service_as_a_table_and_as_json(url):
    service = some_service()
    table = veiviser(url, "show", service["id"])
    assert table.returncode == 0 and service["name"] in table.stdout
    as_json = json.loads(veiviser(url, "show", service["id"], "--json").stdout)
    assert as_json["id"] == service["id"] and as_json["assured_date"] == service["assured_date"]


def test_show_of_an_unknown_id_says_so_and_fails(url):
    result = veiviser(url, "show", "no-such-id")
    assert result.returncode == 1 and "no-such-id" in result.stderr


def test_stale_lists_records_whose_page_is_older_than_the_cutoff_or_undated(url):
    everything = json.loads(veiviser(url, "stale", "--older-than", "0d", "--json").stdout)
    only_undated = json.loads(veiviser(url, "stale", "--older-than", "100y", "--json").stdout)
    assert len(everything) > 50 and 0 < len(only_undated) < len(everything)
    assert all(source.endswith("(undated)") for row in only_undated for source in row["sources"]), only_undated


@pytest.mark.parametrize("bad", ["180", "six months", "-3d", "10x"])
def test_stale_rejects_a_bad_age_with_a_clear_message(url, bad):
    result = veiviser(url, "stale", "--older-than", bad)
    if bad == "180":  # plain days are allowed
        assert result.returncode == 0
        return
    assert result.returncode == 2 and "--older-than" in result.stderr


def test_import_of_a_bad_file_changes_nothing_and_names_the_problem(url, tmp_path):
    bad = dict(some_service(), name="Endret navn", assured_date="i fjor")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([bad]))
    result = veiviser(url, "import", str(path), "--no-progress")
    assert result.returncode == 1 and "assured_date" in result.stderr
    shown = json.loads(veiviser(url, "show", bad["id"], "--json").stdout)
    assert shown["name"] != "Endret navn"


def test_import_of_a_missing_file_is_a_usage_error(url, tmp_path):
    result = veiviser(url, "import", str(tmp_path / "missing.json"))
    assert result.returncode == 2 and "missing.json" in result.stderr


def test_search_by_kommune_and_type_lists_local_services_first(url):
    result = veiviser(url, "search", "--kommune", "Bergen", "--type", "lar", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert not found["fallback"] and found["services"]
    assert all("lar" in s["types"] for s in found["services"])
    assert found["services"][0]["where"] == "Bergen"


def test_search_table_is_readable(url):
    result = veiviser(url, "search", "--kommune", "5003", "--type", "lar")
    assert result.returncode == 0 and "name" in result.stdout.splitlines()[0]


def test_search_by_right_to_choose_sorted_by_wait(url):
    found = json.loads(veiviser(url, "search", "--right-to-choose", "--sort", "wait", "--json").stdout)["services"]
    waits = [s["wait_weeks"] for s in found]
    known = [w for w in waits if w is not None]
    assert found and known == sorted(known) and waits[: len(known)] == known


def test_open_at_a_time_when_rusinfo_is_closed(url):
    """RUSinfo answers weekdays 11-18; Christmas Eve evening is outside that."""
    at_night = json.loads(veiviser(url, "search", "--type", "hjelpetelefon", "--open-at", "2026-12-24T22:00", "--json").stdout)
    by_day = json.loads(veiviser(url, "search", "--type", "hjelpetelefon", "--open-at", "2026-11-24T12:00", "--json").stdout)
    assert "RUSinfo" not in " ".join(s["name"] for s in at_night["services"])
    assert "RUSinfo" in " ".join(s["name"] for s in by_day["services"])


@pytest.mark.parametrize(
    "args,complaint",
    [
        (["--kommune", "Atlantis"], "--kommune"),
        (["--near", "91,5"], "--near"),
        (["--near", "bergen"], "--near"),
        (["--type", "pizza"], "--type"),
        (["--radius", "-5"], "--radius"),
        (["--open-at", "i morgen"], "--open-at"),
    ],
)
def test_search_rejects_bad_arguments_clearly(url, args, complaint):
    result = veiviser(url, "search", *args)
    assert result.returncode == 2 and complaint in result.stderr, result.stderr


FEEDS = Path(__file__).parent / "feeds"


def test_a_feed_without_provenance_waits_for_review_and_with_it_does_not(url):
    result = veiviser(url, "import", str(FEEDS / "service.json"), "--no-progress")
    assert result.returncode == 0, result.stderr
    waiting = json.loads(veiviser(url, "review", "--json").stdout)
    assert [(row["name"], row["needs"]) for row in waiting] == [("Eksempel lavterskel helsetilbud", "source, service type")]
    result = veiviser(url, "import", str(FEEDS / "service.json"), "--no-progress", "--source", "https://example.org/feed",
                      "--source-date", "2026-11-01", "--map", str(FEEDS / "type-map.yml"))
    assert result.returncode == 0, result.stderr
    assert "Nothing waits for review." in veiviser(url, "review").stdout
    shown = json.loads(veiviser(url, "show", "ff000000-0000-4000-8000-000000000001", "--json").stdout)
    assert "avrusning" in json.dumps(shown) and "https://example.org/feed" in json.dumps(shown)


@pytest.mark.parametrize("args, says", [
    (["--source", "example.org/feed"], "--source must be the web address"),
    (["--source", "https://example.org/feed", "--source-date", "1.11.2026"], "--source-date must be YYYY-MM-DD"),
    (["--source-date", "2026-11-01"], "give --source too"),
    (["--map", "missing.yml"], "missing.yml"),
])
def test_bad_feed_settings_are_usage_errors_that_say_what_to_fix(url, args, says):
    result = veiviser(url, "import", str(FEEDS / "service.json"), *args)
    assert result.returncode == 2 and says in result.stderr, result.stderr
