"""Fuzz the catalogue import (services_catalog.hsds and the `veiviser catalog import` command), SQLite and PostgreSQL.

A catalogue holding two seeded services is offered generated records and
files. A batch with any problem is refused whole with every problem named
(ImportFailed, or the command's exit code 1); a batch that is still valid
(an emoji description is a fine description) is stored exactly as sent.
Either way the seeded services are exported byte for byte the same.
"""
from __future__ import annotations

import copy
import csv
import io
import signal
import subprocess
import sys
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services_catalog.datapackage import TABLES, export_datapackage
from services_catalog.db import session_factory
from services_catalog.hsds import ImportFailed, import_records
from services_catalog.hsds_export import service_to_hsds
from services_catalog.models import Service
from tests.support.hsds import COMPLETE
from tests.fuzz.catalogue_state import export_checksum, row_counts, service_ids
from tests.fuzz.hostile import hostile_body, hostile_text, json_values, spoiled_record, wrong_types
from veiviser import cli as veiviser_cli

FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT_FIELDS = ("id", "name", "alternate_name", "description", "url", "email", "application_process",
               "fees_description", "eligibility_description")
NEW_IDS = count()


def with_prefixed_ids(value: Any, prefix: str) -> Any:
    """A copy with every id prefixed, so the seeds share no row with the records the fuzzing sends."""
    if isinstance(value, dict):
        return {k: f"{prefix}{v}" if k == "id" else with_prefixed_ids(v, prefix) for k, v in value.items()}
    if isinstance(value, list):
        return [with_prefixed_ids(item, prefix) for item in value]
    return value


SEEDS = [with_prefixed_ids(COMPLETE, "seed-a-"), with_prefixed_ids({**COMPLETE, "name": "Frø 🌱 ‮"}, "seed-b-")]
SEED_IDS = [seed["id"] for seed in SEEDS]


@pytest.fixture
def seeded(empty_catalogue_url: str) -> tuple[str, dict[str, int], str]:
    """The catalogue's URL, and its row counts and export checksum after seeding."""
    with session_factory(empty_catalogue_url)() as session:
        import_records(session, [("seed", copy.deepcopy(seed)) for seed in SEEDS])
        session.commit()
    assert service_ids(empty_catalogue_url) == set(SEED_IDS)
    return empty_catalogue_url, row_counts(empty_catalogue_url), export_checksum(empty_catalogue_url, SEED_IDS)


def records() -> st.SearchStrategy[list[Any]]:
    """Batches of spoiled records (each with a new service id unless the id itself was spoiled) and plain junk."""
    spoiled = spoiled_record(COMPLETE).map(
        lambda r: {**r, "id": f"fuzz-{next(NEW_IDS)}"} if r.get("id") == COMPLETE["id"] else r)
    return st.one_of(st.lists(spoiled, min_size=1, max_size=3),
                     st.lists(st.one_of(spoiled, json_values(6), wrong_types()), min_size=1, max_size=3))


@FUZZ
@given(batch=records())
def test_a_batch_is_stored_exactly_or_refused_whole(seeded, tally, batch):
    url, _, checksum = seeded
    counts = row_counts(url)  # an earlier example may have stored records
    with session_factory(url)() as session:
        try:
            report = import_records(session, [("fuzz", record) for record in batch])
            session.commit()
        except ImportFailed as failure:
            session.rollback()
            tally(f"catalogue import ({session.bind.dialect.name})", "refused")
            assert failure.problems and all(p.message for p in failure.problems)
            assert row_counts(url) == counts
        else:
            tally(f"catalogue import ({session.bind.dialect.name})", "stored")
            assert report.services == len(batch)
            _assert_stored_as_sent(url, batch)
    assert export_checksum(url, SEED_IDS) == checksum


def _assert_stored_as_sent(url: str, batch: list[dict[str, Any]]) -> None:
    with session_factory(url)() as session:
        for record in batch:
            stored = service_to_hsds(session.get(Service, record["id"]))
            for name in TEXT_FIELDS:
                assert stored.get(name) == record.get(name), (name, stored.get(name), record.get(name))


def _import_command(url: str, path: Path) -> int:
    """`veiviser catalog import PATH`, in this process."""
    sigpipe = signal.getsignal(signal.SIGPIPE)
    try:
        return veiviser_cli.main(["catalog", "--url", url, "import", "--no-progress", str(path)])
    finally:
        signal.signal(signal.SIGPIPE, sigpipe)  # the command resets it, for shell pipes; pytest keeps its own


FILE_FUZZ = settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FILE_FUZZ
@given(content=hostile_body(st.lists(spoiled_record({**COMPLETE, "id": "fuzz-file"}), max_size=2)))
def test_the_import_command_refuses_a_garbage_file_with_exit_code_1(seeded, tally, tmp_path_factory, content):
    path = tmp_path_factory.mktemp("garbage") / "catalogue.json"
    path.write_bytes(content)
    _import_leaves_the_seeds_alone(seeded, tally, "catalog import command (file)", path)


def _import_leaves_the_seeds_alone(seeded: tuple[str, dict[str, int], str], tally, entry_point: str, path: Path) -> None:
    """Import `path` by the command: exit 0, or exit 1 with nothing changed; the seeds unchanged either way."""
    url, _, checksum = seeded
    counts = row_counts(url)  # an earlier example may have stored records
    code = _import_command(url, path)
    tally(entry_point, code)
    assert code in (0, 1)
    if code == 1:
        assert row_counts(url) == counts
    assert export_checksum(url, SEED_IDS) == checksum


def _datapackage(url: str, directory: Path) -> Path:
    """The seeds as a CSV datapackage, as spreadsheet people keep a catalogue (with ids of their own)."""
    with session_factory(url)() as session:
        exported = [service_to_hsds(session.get(Service, i)) for i in SEED_IDS]
    export_datapackage([with_prefixed_ids(service, "csv-") for service in exported], directory)
    return directory


def _spoiled_table(original: bytes, cell: str, row: int, column: int) -> bytes:
    rows = list(csv.reader(io.StringIO(original.decode())))
    target = rows[min(row, len(rows) - 1)]
    target[min(column, len(target) - 1)] = cell
    # Written by hand: Python's csv writer refuses some of what a hostile file holds (NUL, say).
    quoted = ("\r\n".join(",".join('"' + value.replace('"', '""') + '"' for value in line) for line in rows))
    return quoted.encode("utf-8", "surrogatepass")


@FILE_FUZZ
@given(table=st.sampled_from(sorted(file for file, _ in TABLES.values())),
       spoil=st.one_of(
           st.tuples(hostile_text(3000), st.integers(0, 3), st.integers(0, 14)),
           hostile_body(st.just([])).map(lambda garbage: (garbage,))))
def test_the_import_command_refuses_a_spoiled_csv_datapackage(seeded, tally, tmp_path_factory, table, spoil):
    package = _datapackage(seeded[0], tmp_path_factory.mktemp("datapackage"))
    path = package / table
    path.write_bytes(spoil[0] if len(spoil) == 1 else _spoiled_table(path.read_bytes(), *spoil))
    _import_leaves_the_seeds_alone(seeded, tally, "catalog import command (CSV datapackage)", package)


def test_the_installed_command_says_what_is_wrong_with_a_binary_file(seeded, tmp_path):
    """Once through the real `veiviser` executable: a clear message and exit code 1, no traceback."""
    url, counts, checksum = seeded
    path = tmp_path / "catalogue.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    done = subprocess.run([str(Path(sys.executable).parent / "veiviser"), "catalog", "--url", url, "import", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Nothing was imported" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert row_counts(url) == counts and export_checksum(url, SEED_IDS) == checksum
