"""How a record names its source to a reader: the site of the page, and the page's own date.

"Kilde: helse-nord.no, oppdatert 26.02.2024" lets anyone judge and check a
fact; the chat cards, the SMS text and the staff page all cite this way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable
from urllib.parse import urlparse


@dataclass(frozen=True)
class Citation:
    site: str  # "helse-nord.no"
    url: str
    page_date: date | None  # None: the page shows no date


def site(url: str) -> str:
    host = (urlparse(url).hostname or url).lower()
    return host.removeprefix("www.")


def main_citation(sources: Iterable[Any]) -> Citation | None:
    """The first source: the page that shows the service exists and what it offers."""
    first = next(iter(sources), None)
    return Citation(site(first.url), first.url, first.page_date) if first is not None else None
