"""What the web lookup is set up with: its limits, and the keys its parts find each other by."""
from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from staff_web.catalogue import Catalogue
from staff_web.rate_limit import RateLimit, TokenBuckets

KIB = 1024


@dataclass(frozen=True)
class Limits:
    """Sizes in bytes. A search returns at most `max_results` services, paged by `per_page`."""

    edit_bytes: int = 256 * KIB  # one service (PUT), and any other body
    import_bytes: int = 8 * KIB * KIB  # POST /import
    url_bytes: int = 8 * KIB  # longer URLs get 414
    max_results: int = 50
    rate: RateLimit = field(default_factory=RateLimit)


CATALOGUE = web.AppKey("catalogue", Catalogue)
LIMITS = web.AppKey("limits", Limits)
TOKEN = web.AppKey("token", str)
BUCKETS = web.AppKey("buckets", TokenBuckets)
