"""What may reach Rasa as a command: the domain's own buttons and a shared position, never what a person types.

Rasa reads any message that starts with "/" as an intent with entities, so
"/restart" typed by a person would restart the conversation, '/greet{"language":
"xx"}' would set a slot to anything, and a typed "/hjelp jeg heter ..." makes Rasa
log the whole text in a warning. Every channel passes the text through
`as_command_or_text`: a button's exact payload stays a command, a position is
re-written with rounded coordinates, and anything else loses its slashes and is
read as the words it is. The widget's greeting ("/greet", no entities) and a card's «Meld
feil» (a catalogue id, nothing else) are the other commands, and "FEIL 2" becomes one.
"""
from __future__ import annotations

import json
import math
import re

from conversation.texts import button_payloads

COMMAND_PREFIX = "/"
# The widget's own command: it asks for the greeting when it opens (web/widget/veiviser-widget.js).
WIDGET_COMMANDS = frozenset({"/greet"})
POSITION = re.compile(r"^/inform_location(\{.*\})$", re.DOTALL)
# «Meld feil» on a card names the service by its catalogue id; "FEIL 2" by SMS names it by its place.
REPORT = re.compile(r'^/report_error\{"service": ?"([a-z0-9-]{1,80})"\}$')
REPORT_BY_NUMBER = re.compile(r"^feil\s+([1-9])$", re.IGNORECASE)
# About 100 m, as the widget rounds: enough to find help nearby, too coarse to say where someone lives.
POSITION_DECIMALS = 3


def as_command_or_text(text: str) -> str:
    stripped = text.strip()
    by_number = REPORT_BY_NUMBER.match(stripped)
    if by_number:
        return f'/report_error{{"position": {by_number.group(1)}}}'
    if REPORT.match(stripped):
        return stripped
    if not stripped.startswith(COMMAND_PREFIX):
        return text
    if stripped in button_payloads() or stripped in WIDGET_COMMANDS:
        return stripped
    return _position(stripped) or stripped.lstrip(COMMAND_PREFIX + " \t\n")


def _position(text: str) -> str | None:
    """The position command with rounded coordinates, or None if it is anything else."""
    match = POSITION.match(text)
    if not match:
        return None
    try:
        shared = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(shared, dict) or set(shared) != {"latitude", "longitude"}:
        return None
    latitude, longitude = shared["latitude"], shared["longitude"]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (latitude, longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    rounded = {"latitude": round(latitude, POSITION_DECIMALS), "longitude": round(longitude, POSITION_DECIMALS)}
    return f"/inform_location{json.dumps(rounded)}"
