"""Conversation ids that cannot be turned back into a phone number or a browser id.

Every channel passes its raw sender id (a phone number, a widget's random id)
through `pseudonym` before Rasa sees it, so the tracker store, the logs and
the action server only ever hold a keyed hash. The key is one secret for all
replicas (VEIVISER_PSEUDONYM_KEY); without it a local key is made once in
var/ so that `make run` works and the same phone maps to the same
conversation across restarts.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

KEY_ENV = "VEIVISER_PSEUDONYM_KEY"
LOCAL_KEY_FILE = Path(__file__).resolve().parents[2] / "var" / "pseudonym.key"


@lru_cache(maxsize=1)
def _key() -> bytes:
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode()
    LOCAL_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(LOCAL_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return LOCAL_KEY_FILE.read_bytes().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32))
    return LOCAL_KEY_FILE.read_bytes().strip()


def pseudonym(channel: str, raw_sender: str) -> str:
    """The channel name keeps a phone number and a widget id that happen to be equal apart.

    `surrogatepass`: a client may send a lone surrogate in its id ("abc\\udfff"); the id
    must still hash, because a crisis behind it has to reach the bot (issue 17).
    """
    key_input = f"{channel}:{raw_sender}".encode("utf-8", "surrogatepass")
    digest = hmac.new(_key(), key_input, hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:32]}"
