"""Where conversations are kept and for how long: two settings, read in one place.

The Rasa server (through endpoints.yml), the periodic purge, `veiviser
privacy purge` and the supervisor all read them here, so what the bot says
about retention (utter_privacy) and docs/privacy.md have one number to agree
with. Kept free of Rasa imports so the supervisor and the CLI start fast.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

TRACKER_URL_SETTING = "VEIVISER_TRACKER_URL"
RETENTION_SETTING = "VEIVISER_RETENTION_HOURS"
DEFAULT_RETENTION_HOURS = 24
DEFAULT_TRACKER_DB = Path(__file__).resolve().parents[2] / "var" / "conversations.sqlite"


def tracker_url() -> str:
    """SQLAlchemy URL of the tracker store: SQLite under var/ unless a PostgreSQL URL is set."""
    return os.environ.get(TRACKER_URL_SETTING) or f"sqlite:///{DEFAULT_TRACKER_DB}"


def retention() -> timedelta:
    """How long a conversation is kept after its last message."""
    raw = os.environ.get(RETENTION_SETTING)
    hours = float(raw) if raw else DEFAULT_RETENTION_HOURS
    if hours <= 0:
        raise ValueError(f"{RETENTION_SETTING} must be a positive number of hours, not {raw!r}")
    return timedelta(hours=hours)
