"""Take fødselsnummer, phone numbers and e-mail addresses out of what a person writes.

Every channel runs the text through `redact` before Rasa sees it, so the
tracker store, the logs and the action server only ever get the redacted
text. Postcodes (4 digits) and short emergency numbers (113, 116 123) are
what the bot needs and stay.

Fødselsnummer: any 11 digits (also written 6 + 5 with a space) are taken
out, without checking the mod-11 control digits. A mistyped number is still
someone's identity, and nothing the bot answers needs an 11-digit number, so
a false alarm costs nothing while a miss would store an identity.

Phone numbers: Norwegian numbers are 8 digits starting with 2-9 (Nkom's
numbering plan), written whole or in groups (912 34 567, 91 23 45 67,
9123 4567), optionally after +47, 0047 or 47. The leading 2-9 keeps
postcodes starting with 0 or 1 (all of Oslo and Akershus) safe even when two
are written side by side.

People write the same number many ways, so the text is first normalised
(Unicode NFKC: full-width digits and @ become plain ones), and digits may be
separated by up to three spaces, hyphens or slashes (912  34  567, 912/34/567,
01 01 90 123 45). E-mail addresses may be written with spaces around @ or as
(at). Dots stay out of the separators: 24.12.2025 is a date.
"""
from __future__ import annotations

import re
import unicodedata

FODSELSNUMMER = "[fødselsnummer]"
PHONE = "[telefonnummer]"
EMAIL = "[e-post]"

# Dots are left out on purpose: 24.12.2025 is a date, not a phone number.
_SEPARATOR = r"(?:[ \-/]{1,3})?"
_NO_DIGIT_BEFORE = r"(?<![\d+])"
_NO_DIGIT_AFTER = r"(?!\d)"
_COUNTRY_CODE = r"(?:(?:\+|00)47[ \-]?|47[ \-]?)?"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+\-]+\s{0,2}(?:@|\((?:at|a|alfakrøll)\)|\[at\])\s{0,2}[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE), EMAIL),
    (re.compile(_NO_DIGIT_BEFORE + r"\d(?:" + _SEPARATOR + r"\d){10}" + _NO_DIGIT_AFTER), FODSELSNUMMER),
    (re.compile(_NO_DIGIT_BEFORE + _COUNTRY_CODE + r"[2-9](?:" + _SEPARATOR + r"\d){7}" + _NO_DIGIT_AFTER), PHONE),
)


def well_formed(text: str) -> str:
    """Lone surrogates become U+FFFD and split pairs are joined: JSON lets a client send both,
    but no database, log or model can hold a lone surrogate."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def redact(text: str) -> str:
    """The text with every fødselsnummer, Norwegian phone number and e-mail address replaced by a label."""
    text = unicodedata.normalize("NFKC", well_formed(text))
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text
