"""Free text in more than one language: the extension `x_translations` (docs/catalogue-format.md).

The catalogue's own columns are Norwegian, as the services write about themselves.
Where someone has written a field in another language (English for English-speaking
users), it travels beside the Norwegian, per HSDS object, so that a reply can show it
and say plainly when it can only show the Norwegian.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping

# The free-text fields that may be held in other languages, per HSDS object.
SERVICE_FIELDS = ("description", "application_process", "fees_description", "eligibility_description")
SCHEDULE_FIELDS = ("description",)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

Translations = dict[str, dict[str, str]]


def read_translations(given: Any, fields: tuple[str, ...], problem: Callable[[str, str], None],
                      where: str = "x_translations") -> Translations | None:
    """`{"en": {"description": "..."}}` checked: language codes, known fields, text; empty texts are dropped."""
    if given is None:
        return None
    if not isinstance(given, Mapping):
        problem(where, "must map a language code (en, nn, ...) to its fields")
        return None
    kept: Translations = {}
    for language, texts in given.items():
        if not LANGUAGE_CODE.match(str(language)) or not isinstance(texts, Mapping):
            problem(where, f"{language!r} must be a language code (en, nn, ...) mapping field names to text")
            continue
        unknown = sorted(str(name) for name in texts if name not in fields)
        if unknown:
            problem(f"{where}.{language}", f"only {', '.join(fields)} can be translated, not {', '.join(unknown)}")
        if any(not isinstance(text, str) for text in texts.values()):
            problem(f"{where}.{language}", "every translation must be text")
        written = {name: text.strip() for name, text in texts.items()
                   if name in fields and isinstance(text, str) and text.strip()}
        if written:
            kept[str(language)] = written
    return kept or None


def in_language(translations: Translations | None, field: str, language: str) -> str | None:
    """The field as written in `language`, or None where nobody has written it so."""
    return ((translations or {}).get(language) or {}).get(field)
