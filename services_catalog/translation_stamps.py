"""Which Norwegian text each translation in the source files was written from.

Why: an English card that still says what the Norwegian said before a correction
is a wrong fact in another language. Each translated field keeps a fingerprint of
the Norwegian it was written from (STAMPS_FILE). When the Norwegian changes,
`veiviser catalog translations` and the shipped-data test name the translation to
redo; once it is redone, `--stamp ID` records that it matches again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from services_catalog.sources import SOURCES_DIR, TRANSLATED_LANGUAGES, records, source_files

STAMPS_FILE = SOURCES_DIR / "translated-from.json"
# The Norwegian field each translated field renders, read from a record as written.
NORWEGIAN = {
    "description": lambda record: record.get("description"),
    "hours_note": lambda record: (record.get("hours_note") or {}).get("text")
    if isinstance(record.get("hours_note"), dict) else None,
}


def fingerprint(text: str) -> str:
    """Spacing and line breaks do not count: only a change of words asks for a new translation."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def current(paths: Iterable[Path] | None = None) -> dict[str, str]:
    """Every translated field, "<id> <language>.<field>", with the fingerprint of its Norwegian now."""
    found = {}
    for record in records(list(paths) if paths is not None else source_files()):
        for language in TRANSLATED_LANGUAGES:
            block = record.get(language)
            if not isinstance(block, dict):
                continue
            for field, norwegian_of in NORWEGIAN.items():
                norwegian = norwegian_of(record)
                if block.get(field) and isinstance(norwegian, str):
                    found[f"{record.get('id')} {language}.{field}"] = fingerprint(norwegian)
    return found


def read_stamps(path: Path = STAMPS_FILE) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def to_redo(now: dict[str, str], stamps: dict[str, str]) -> dict[str, str]:
    """The translated fields whose Norwegian is not the one they were written from, and why."""
    return {key: "the Norwegian changed since it was translated" if key in stamps else "not stamped yet"
            for key, print_ in sorted(now.items()) if stamps.get(key) != print_}


def stamp(now: dict[str, str], stamps: dict[str, str], record_ids: set[str] | None) -> dict[str, str]:
    """The stamps with these records' translations marked as matching the Norwegian now (all, with None);
    fields that are no longer translated are dropped."""
    kept = {key: value for key, value in stamps.items() if key in now}
    kept.update({key: value for key, value in now.items() if record_ids is None or key.split(" ")[0] in record_ids})
    return dict(sorted(kept.items()))


def write_stamps(stamps: dict[str, Any], path: Path = STAMPS_FILE) -> None:
    path.write_text(json.dumps(stamps, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
