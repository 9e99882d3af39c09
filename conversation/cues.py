"""Deterministic screening cues: who the help is for, what matters, age and language,
and what a report of a wrong record says is wrong.

The screening form skips any question these answer. They are plain Python over
the patterns in conversation/screening_cues.yml, so a new phrasing is one line of data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from conversation.crisis import normalise

CUES_FILE = Path(__file__).resolve().parent / "screening_cues.yml"
ADULT_AGE = 18
# Order matters: staff and relative outrank the first person ("jeg er bekymret for sønnen min").
FOR_WHOM_ORDER = ("staff", "relative", "self")


@dataclass(frozen=True)
class Cues:
    for_whom: str | None
    priorities: tuple[str, ...]
    age: int | None
    language: str | None
    report_reason: str | None = None


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    return yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, re.Pattern[str]], dict[str, re.Pattern[str]], list[re.Pattern[str]]]:
    spec = _spec()
    joined = lambda patterns: re.compile("|".join(f"(?:{p})" for p in patterns))  # noqa: E731
    for_whom = {who: joined(spec["for_whom"][who]) for who in FOR_WHOM_ORDER}
    priority = {name: joined(patterns) for name, patterns in spec["priority"].items()}
    return for_whom, priority, [re.compile(p) for p in spec["age"]]


@lru_cache(maxsize=1)
def _relation_person() -> re.Pattern[str]:
    return re.compile(_spec()["relation_person"])


def names_a_person(relation: str) -> bool:
    """Whether a span the model tagged as a relation names someone ("sønnen min"), not a thing."""
    return bool(_relation_person().search(normalise(relation)))


def read_cues(text: str, names_a_relation: bool = False) -> Cues:
    normalised = normalise(text)
    for_whom_patterns, priority_patterns, age_patterns = _patterns()
    age = _age(normalised, age_patterns)
    priorities = [name for name, pattern in priority_patterns.items() if pattern.search(normalised)]
    if age is not None and age < ADULT_AGE and "youth" not in priorities:
        priorities.append("youth")
    return Cues(
        for_whom=_for_whom(normalised, for_whom_patterns, names_a_relation),
        priorities=tuple(priorities),
        age=age,
        language=detect_language(normalised),
        report_reason=_report_reason(normalised),
    )


def _for_whom(text: str, patterns: dict[str, re.Pattern[str]], names_a_relation: bool) -> str | None:
    if patterns["staff"].search(text):
        return "staff"
    if names_a_relation or patterns["relative"].search(text):
        return "relative"
    return "self" if patterns["self"].search(text) else None


def _age(text: str, patterns: list[re.Pattern[str]]) -> int | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match and 5 <= int(match.group(1)) <= 99:
            return int(match.group(1))
    return None


@lru_cache(maxsize=1)
def _report_reasons() -> dict[str, re.Pattern[str]]:
    return {reason: re.compile("|".join(f"(?:{p})" for p in patterns))
            for reason, patterns in _spec()["report_reason"].items()}


def _report_reason(text: str) -> str | None:
    """What a report says is wrong, when the words say it; the first in the file's order wins."""
    return next((reason for reason, pattern in _report_reasons().items() if pattern.search(text)), None)


def detect_language(text: str) -> str | None:
    """"en", "nb" or "nn" when the message's words say so clearly; None keeps the language as it was.

    Words both Norwegian standards share only outvote English: they cannot tell bokmål from
    nynorsk, so alone they keep the conversation's Norwegian (or its English) as it was.
    """
    words = re.findall(r"[\w']+", normalise(text))
    markers = _spec()["language"]
    english, bokmal, nynorsk, shared = (sum(word in markers[key] for word in words) for key in ("en", "nb", "nn", "shared"))
    if english > bokmal + nynorsk + shared:
        return "en"
    if nynorsk > bokmal:
        return "nn"
    if bokmal > nynorsk:
        return "nb"
    return None
