"""Phone numbers as the bot writes them, found in text (tests of what the bot says)."""
from __future__ import annotations

import re

# Digit runs with single spaces; Norwegian phone numbers have 3, 5, 6 or 8 digits
# (years and "10 virkedager" do not).
NUMBER = re.compile(r"(?<!\d)\d(?: ?\d)*(?!\d)")
PHONE_LENGTHS = {3, 5, 6, 8}


def phone_numbers(text: str) -> set[str]:
    digits = (n.replace(" ", "") for n in NUMBER.findall(text))
    return {d for d in digits if len(d) in PHONE_LENGTHS}
