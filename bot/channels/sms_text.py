"""Turn a bot turn into SMS: numbered choices, short links, at most 3 segments each.

A phone shows no buttons, so a turn's buttons become "1) ...", "2) ..." and a
reply of "2" is read back as the second button (`choice_payload`). What a
person pays for and what their phone stitches together is counted in
segments, not characters: GSM-7 (which has æøå) fits 160 characters in one
SMS and 153 in each part of a longer one, while a single character outside
it (an emoji, a typographic dash) turns the whole SMS into UCS-2 with 70/67.
So typography that has a GSM-7 twin is swapped for it, and a turn longer than
3 segments is cut into several SMS between messages, lines, sentences or
words, never inside a phone number.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Iterable, Iterator, Mapping, Sequence

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

MAX_SEGMENTS = 3

# (whole message, each part of a concatenated one); a part loses room to its header.
GSM7_LIMITS = (160, 153)
UCS2_LIMITS = (70, 67)

# Typography the bot's texts use that has a plain GSM-7 equivalent. "≈" marks
# an approximate distance in the service cards; "~" keeps that meaning.
GSM7_TWINS = str.maketrans({
    "–": "-", "—": "-", "−": "-", "‐": "-",
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"',
    "‘": "'", "’": "'", "‚": "'",
    "…": "...", "≈": "~", "•": "-", "·": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
})

_LINK = re.compile(r"(?:https?://|tel:)\S+", re.IGNORECASE)
_TRACKING_PARAM = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_\w+|ref)=", re.IGNORECASE)
# A space may break a line unless it sits between two digits ("22 40 00 40").
_BREAKABLE_SPACE = re.compile(r"(?<!\d) | (?!\d)")
_SENTENCE_END = re.compile(r"(?<=[.!?:]) ")
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


@dataclass(frozen=True)
class Encoding:
    name: str
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def _unit_costs(text: str) -> tuple[str, list[int]]:
    """Per character, the room it takes: extension-table characters take two septets,
    characters beyond the BMP two UTF-16 units. A part never splits one of them."""
    if is_gsm7(text):
        return "GSM-7", [len(char.encode("gsm03.38")) for char in text]
    return "UCS-2", [len(char.encode("utf-16-be")) // 2 for char in text]


def encoding(text: str) -> Encoding:
    """How an SMS gateway will encode `text` and how many segments it will bill."""
    name, costs = _unit_costs(text)
    single, part = GSM7_LIMITS if name == "GSM-7" else UCS2_LIMITS
    units = sum(costs)
    if units <= single:
        return Encoding(name, units, 1)
    return Encoding(name, units, _parts(costs, part))


def _parts(costs: Sequence[int], room: int) -> int:
    parts, used = 1, 0
    for cost in costs:
        if used + cost > room:
            parts, used = parts + 1, 0
        used += cost
    return parts


def segments(text: str) -> int:
    return encoding(text).segments


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    return segments(text) <= max_segments


def short_link(url: str) -> str:
    """What a phone still recognises as a link, without scheme, www, tracking or a trailing slash."""
    if url.lower().startswith("tel:"):
        return url[4:]
    trailing = re.search(r"[.,;:!?)»\"']+$", url)
    tail = trailing.group() if trailing else ""
    url = url[: len(url) - len(tail)]
    url = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.IGNORECASE)
    base, _, query = url.partition("?")
    kept = [p for p in query.split("&") if p and not _TRACKING_PARAM.match(p)]
    base = base.rstrip("/") if not kept else base
    return (f"{base}?{'&'.join(kept)}" if kept else base) + tail


def for_sms(text: str) -> str:
    """The text as it should go out: GSM-7 twins for typography, short links, no blank clutter."""
    text = _LINK.sub(lambda m: short_link(m.group()), text.translate(GSM7_TWINS))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def turn_choices(messages: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The buttons of a turn in the order they are numbered, 1 first."""
    return [button for message in messages for button in (message.get("buttons") or [])]


def choice_payload(text: str, choices: Sequence[Mapping[str, Any]]) -> str | None:
    """The payload a reply like "2" or "2." picks, or None if it picks nothing shown."""
    match = _CHOICE.match(text)
    if not match or not choices:
        return None
    index = int(match.group(1)) - 1
    if 0 <= index < len(choices):
        return str(choices[index].get("payload") or choices[index].get("title"))
    return None


def turn_blocks(messages: Iterable[Mapping[str, Any]]) -> list[str]:
    """Each message's text, then its buttons as numbered choices continuing across the turn."""
    blocks: list[str] = []
    number = 0
    for message in messages:
        text = for_sms(str(message.get("text") or ""))
        if message.get("image"):
            text = "\n".join(filter(None, [text, short_link(str(message["image"]))]))
        lines = []
        for button in message.get("buttons") or []:
            number += 1
            lines.append(f"{number}) {for_sms(str(button.get('title', '')))}")
        block = "\n".join(filter(None, [text, *lines]))
        if block:
            blocks.append(block)
    return blocks


def pack(blocks: Iterable[str], max_segments: int = MAX_SEGMENTS) -> list[str]:
    """As few SMS as possible, each within `max_segments`.

    Whole blocks (messages) share an SMS where they fit. A block too long for
    one SMS is cut evenly; its head may follow the previous block, but its
    tail ends an SMS, so no SMS goes from the end of one card into the next.
    """
    messages: list[str] = []
    joinable = False
    for block in blocks:
        pieces = _split(block, max_segments)
        joined = f"{messages[-1]}\n\n{pieces[0]}" if messages and joinable else ""
        if joined and fits(joined, max_segments):
            messages[-1] = joined
        else:
            messages.append(pieces[0])
        messages.extend(pieces[1:])
        joinable = len(pieces) == 1
    return messages


# From coarse to fine: lines, sentences, words (never between digits), then characters.
_SPLITTERS = (re.compile(r"\n+"), _SENTENCE_END, _BREAKABLE_SPACE)
_JOINERS = ("\n", " ", " ", "")
# Trying every even cut is cheap for a card of ten lines, not for a wall of text.
_MAX_CUTS_TO_TRY = 2000


def _split(text: str, max_segments: int, level: int = 0) -> list[str]:
    if fits(text, max_segments):
        return [text]
    if level == len(_SPLITTERS):
        return list(_hard_cut(text, max_segments))
    parts = _SPLITTERS[level].split(text)
    if all(fits(part, max_segments) for part in parts):
        return _balanced(parts, _JOINERS[level], max_segments)
    items: list[tuple[str, str]] = []  # (piece, what joins it to the piece before)
    for part in parts:
        pieces = _split(part, max_segments, level + 1)
        items.append((pieces[0], _JOINERS[level]))
        items.extend((piece, _JOINERS[level + 1]) for piece in pieces[1:])
    return _greedy(items, max_segments)


def _greedy(items: Sequence[tuple[str, str]], max_segments: int) -> list[str]:
    pieces: list[str] = []
    for piece, joiner in items:
        joined = f"{pieces[-1]}{joiner}{piece}" if pieces else ""
        if joined and fits(joined, max_segments):
            pieces[-1] = joined
        else:
            pieces.append(piece)
    return pieces


def _balanced(parts: Sequence[str], joiner: str, max_segments: int) -> list[str]:
    """As many pieces as the greedy cut needs, but cut where the longest piece is shortest."""
    greedy = _greedy([(part, joiner) for part in parts], max_segments)
    if len(greedy) < 2 or math.comb(len(parts) - 1, len(greedy) - 1) > _MAX_CUTS_TO_TRY:
        return greedy
    best, best_size = greedy, max(encoding(p).units for p in greedy)
    for cuts in combinations(range(1, len(parts)), len(greedy) - 1):
        bounds = zip((0, *cuts), (*cuts, len(parts)))
        pieces = [joiner.join(parts[start:end]) for start, end in bounds]
        size = max(encoding(p).units for p in pieces)
        if size < best_size and all(fits(p, max_segments) for p in pieces):
            best, best_size = pieces, size
    return best


def _hard_cut(text: str, max_segments: int) -> Iterator[str]:
    """Only for a run with no space at all (never a bot text): cut where the room ends."""
    start = 0
    while start < len(text):
        end = min(len(text), start + max_segments * UCS2_LIMITS[1])
        while end < len(text) and fits(text[start : end + 1], max_segments):
            end += 1
        while not fits(text[start:end], max_segments):
            end -= 1
        yield text[start:end]
        start = end


def format_turn(messages: Sequence[Mapping[str, Any]], max_segments: int = MAX_SEGMENTS) -> list[str]:
    """The SMS to send for one bot turn, in order."""
    return pack(turn_blocks(messages), max_segments)
