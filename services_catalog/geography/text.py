"""Places in what people write: the names in a message, and the one place a short answer means.

Why guarded: many place names are ordinary words ("Time", "Moss", "Sola"), and
a message about help must not be read as a trip. Names that are also words
need a preposition before them or a capital letter mid-sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from services_catalog.geography.names import Names, Place, Rank
from services_catalog.geography.words import (
    AMBIGUOUS_PLACE_WORDS, FILLER, FYLKE_WORDS, LIVE_WORDS, NEVER_PLACE_WORDS, POSTCODE_WORDS, PREPOSITIONS,
    STRICT_PLACE_WORDS, fold,
)

_WORD = re.compile(r"[^\W_]+")
_POSTCODE = re.compile(r"\d{4}")
LIVE_WORD_REACH = 3  # "bor" up to this many words before a name makes it where the person lives


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Span:
    """A place named in a message: where, which, how good a name, and whether "bor/live" came before it."""

    start: int
    end: int
    place: Place
    rank: Rank
    lives_there: bool


class PlaceFinder:
    def __init__(self, names: Names) -> None:
        self._names = names

    def spans(self, text: str) -> list[Span]:
        """Place names and postcodes in a message; the longest exact (folded) match wins.

        Aliases and poststed names written in lower case need the same guard as
        ordinary words; only kommune names of 6+ letters get a misspelling allowance.
        """
        words = [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        found, i = [], 0
        while i < len(words):
            hit = self._match_at(text, words, i)
            if hit is None:
                i += 1
                continue
            length, place, rank = hit
            lives = any(fold(w.text) in LIVE_WORDS for w in words[max(0, i - LIVE_WORD_REACH):i])
            found.append(Span(words[i].start, words[i + length - 1].end, place, rank, lives))
            i += length
        return found

    def short_answer(self, text: str) -> Place | None:
        """The one place a short answer like "bor på Lillehammer" means; None rather than a guess.

        Order: postcode, exact name (with and without filler words), a name
        found inside the text, then a guarded fuzzy match.
        """
        if not text or not text.strip():
            return None
        tokens = fold(text).split()
        content = [t for t in tokens if t not in FILLER]
        postcodes = [t for t in content if _POSTCODE.fullmatch(t)]
        if postcodes:
            place = self._names.postcodes.get(postcodes[0])
            rest = [t for t in content if t != postcodes[0] and t not in POSTCODE_WORDS]
            if place is None or not rest or fold(place.name).endswith(" ".join(rest)):
                return place
        joined = " ".join(content)
        if not content or joined in NEVER_PLACE_WORDS:
            return None
        if joined in FYLKE_WORDS and self._names.best(joined) is None:
            return None
        for key in (" ".join(tokens), joined):
            best = self._names.best(key)
            if best is not None and key not in NEVER_PLACE_WORDS:
                return best.place
        return self._one_of_several(text) or self._names.closest(joined)

    def _one_of_several(self, text: str) -> Place | None:
        """Why: "er i Bergen nå men bor i Florø" or "Sandviken i Bergen" name two places; the one
        after "bor"/"live" is home, otherwise the last primary name (people tend to end with where they are)."""
        spans = self.spans(text)
        primary = [s for s in spans if s.rank <= Rank.TOWN] or spans
        home = [s for s in primary if s.lives_there]
        chosen = (home or primary or [None])[-1]
        return chosen.place if chosen else None

    def _match_at(self, text: str, words: list[Word], i: int) -> tuple[int, Place, Rank] | None:
        if _POSTCODE.fullmatch(words[i].text):
            return self._postcode_at(words, i)
        for length in range(min(self._names.longest_name_words, len(words) - i), 0, -1):
            if length > 1 and not _one_name(text, words[i:i + length]):
                continue
            key = fold(" ".join(w.text for w in words[i:i + length]))
            best = self._names.best(key)
            if best is not None and _accepted(text, words, i, length, key, best.rank):
                return length, best.place, best.rank
        key = fold(words[i].text)
        if len(key) >= 6 and key not in NEVER_PLACE_WORDS and (
                _after_preposition(words, i) or _capitalised_mid_sentence(text, words, i)):
            place = self._names.closest(key, self._names.kommune_keys, min_length=6)
            if place is not None:
                return 1, place, Rank.KOMMUNE
        return None

    def _postcode_at(self, words: list[Word], i: int) -> tuple[int, Place, Rank] | None:
        """A 4-digit number is a postcode only with evidence: a word like
        "postnummer" before it, its poststed after it, or nothing else."""
        place = self._names.postcodes.get(words[i].text)
        if place is None:
            return None
        poststed = fold(place.name.split(" ", 1)[1]).split()
        following = [fold(w.text) for w in words[i + 1:i + 1 + len(poststed)]]
        if following == poststed:
            return 1 + len(poststed), place, Rank.KOMMUNE
        before = fold(words[i - 1].text) if i else ""
        if before in POSTCODE_WORDS or len(words) == 1:
            return 1, place, Rank.KOMMUNE
        return None


def _accepted(text: str, words: list[Word], i: int, length: int, key: str, rank: Rank) -> bool:
    """Guard against ordinary words that happen to be place names."""
    if key in NEVER_PLACE_WORDS:
        return False
    capital = words[i].text[:1].isupper()
    if key in STRICT_PLACE_WORDS:
        return capital and (_after_preposition(words, i) or _capitalised_mid_sentence(text, words, i))
    if key in AMBIGUOUS_PLACE_WORDS or len(key) <= 3 or (rank >= Rank.TOWN_ALT and not capital) or \
            (rank == Rank.KOMMUNE_ALT and length == 1 and len(key) <= 4):
        return _after_preposition(words, i) or _capitalised_mid_sentence(text, words, i)
    return True


def _one_name(text: str, words: list[Word]) -> bool:
    """Words form one name only if separated by spaces or hyphens."""
    return all(re.fullmatch(r"[ \-]{1,2}", text[a.end:b.start] or "x") for a, b in zip(words, words[1:]))


def _after_preposition(words: list[Word], i: int) -> bool:
    return i > 0 and fold(words[i - 1].text) in PREPOSITIONS


def _capitalised_mid_sentence(text: str, words: list[Word], i: int) -> bool:
    """Capitalised (not an acronym like NA, AA, LAR) and not sentence-initial."""
    word = words[i].text
    if i == 0 or not word[:1].isupper() or (len(word) > 1 and word.isupper()):
        return False
    return not re.search(r"[.!?:;\n]", text[words[i - 1].end:words[i].start])
