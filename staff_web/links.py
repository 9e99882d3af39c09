"""Links into the staff page from elsewhere (the chat gives staff the printable list of their search).

The page's query parameters are staff_web.params'; this only writes them. Kept free of
aiohttp so the action server and the supervisor can import it.
"""
from __future__ import annotations

import os
from typing import Iterable
from urllib.parse import urlencode

# The staff page's address as staff reach it; the supervisor sets the local one.
STAFF_URL_SETTING = "VEIVISER_STAFF_URL"
# The printable list, and the same list as plain text for a journal note.
LOOKUP_PATH = "/"
NOTE_PATH = "/note"


def lookup_link(place: str, types: Iterable[str], path: str = LOOKUP_PATH) -> str | None:
    """The staff page's list (or, with NOTE_PATH, its text) for this place and these service types;
    None when no address is set."""
    base = os.environ.get(STAFF_URL_SETTING, "").rstrip("/")
    if not base:
        return None
    return f"{base}{path}?{urlencode([('place', place), *(('type', t) for t in sorted(types))])}"
