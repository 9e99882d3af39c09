"""Redaction: identities go, what the bot needs (postcodes, 113, 116 123) stays."""
from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, strategies as st
from stdnum.no import fodselsnummer

from bot.privacy.redaction import EMAIL, FODSELSNUMMER, PHONE, redact

WORDS = st.lists(st.sampled_from(["jeg", "bor", "i", "ring", "meg", "på", "hjelp", "sønnen", "min", "takk", ","]),
                 max_size=6).map(" ".join)


def valid_fodselsnummer(day: int, month: int, year: int, individual: int) -> str:
    """An 11-digit number with correct control digits, computed by python-stdnum."""
    base = f"{day:02d}{month:02d}{year % 100:02d}{individual:03d}"
    first = fodselsnummer.calc_check_digit1(base)
    return base + first + fodselsnummer.calc_check_digit2(base + first)


@given(WORDS, WORDS, st.integers(1, 28), st.integers(1, 12), st.integers(1930, 2020), st.integers(0, 999),
       st.sampled_from(["", " "]))
def test_a_fodselsnummer_is_taken_out_with_or_without_a_space(before, after, day, month, year, individual, space):
    number = valid_fodselsnummer(day, month, year, individual)
    assume(len(number) == 11)  # some bases have no valid control digit
    written = number[:6] + space + number[6:]
    redacted = redact(f"{before} {written} {after}")
    assert number[6:] not in redacted and FODSELSNUMMER in redacted


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_any_eleven_digits_go_even_with_wrong_control_digits(digits):
    assert redact(f"nummeret mitt er {digits}") == f"nummeret mitt er {FODSELSNUMMER}"


PHONE_LAYOUTS = ["{}", "{0}{1}{2} {3}{4} {5}{6}{7}", "{0}{1} {2}{3} {4}{5} {6}{7}", "{0}{1}{2}{3} {4}{5}{6}{7}",
                 "{0}{1}{2} {3}{4}{5}{6}{7}"]


@given(WORDS, WORDS, st.sampled_from("23456789"), st.text(alphabet="0123456789", min_size=7, max_size=7),
       st.sampled_from(PHONE_LAYOUTS), st.sampled_from(["", "+47", "+47 ", "0047", "0047 ", "47"]))
def test_a_norwegian_phone_number_is_taken_out_in_every_usual_layout(before, after, first, rest, layout, prefix):
    digits = first + rest
    written = prefix + (layout.format(*digits) if layout != "{}" else digits)
    redacted = redact(f"{before} {written} {after}")
    assert PHONE in redacted, redacted
    assert not re.search(r"\d{3}", redacted.replace(" ", "")), redacted


@given(WORDS, WORDS, st.integers(1, 9991), st.sampled_from(["Bergen", "oslo", "", "Tromsø"]))
def test_a_postcode_survives(before, after, postcode, town):
    text = f"{before} {postcode:04d} {town} {after}"
    assert redact(text) == text


@pytest.mark.parametrize("text", [
    "ring 113 nå", "Mental Helse 116 123", "legevakt 116 117", "barn 116 111", "jeg er 17 år",
    "skrevet ut 24.12.2025", "postnummer 0150 og 1337", "det koster 1500 kr",
])
def test_short_numbers_dates_and_ages_survive(text):
    assert redact(text) == text


@given(st.from_regex(r"[a-z][a-z0-9.+\-]{0,15}@[a-z0-9\-]{1,12}\.(no|com|org)", fullmatch=True), WORDS)
def test_an_email_address_is_taken_out(address, after):
    redacted = redact(f"skriv til {address} {after}")
    assert "@" not in redacted and EMAIL in redacted


def test_all_three_in_one_message():
    text = "Jeg heter ikke noe, fnr 010190 12345, tlf +47 912 34 567, kari@example.no, bor på 5003"
    assert redact(text) == f"Jeg heter ikke noe, fnr {FODSELSNUMMER}, tlf {PHONE}, {EMAIL}, bor på 5003"


def test_lone_surrogates_become_replacement_characters_and_the_rest_stays():
    assert redact("jeg har tatt en overdose\udfff") == "jeg har tatt en overdose\ufffd"
    assert redact("\ud83d\ude00 ok") == "😀 ok"
    redact("a\ud800b").encode("utf-8")  # storable: no UnicodeEncodeError


FULL_WIDTH = str.maketrans("0123456789@", "０１２３４５６７８９＠")
SEPARATORS = st.sampled_from(["", " ", "  ", "-", "/", " - "])


def spelled(digits: str, separators: list[str], full_width: bool) -> str:
    """The digits with a separator (maybe none) after each, as people type them; maybe in full-width digits."""
    text = "".join(d + s for d, s in zip(digits, separators + [""] * len(digits)))[: len(digits) * 4]
    text = text.rstrip(" -/")
    return text.translate(FULL_WIDTH) if full_width else text


@given(WORDS, st.from_regex(r"[2-9]\d{7}", fullmatch=True), st.lists(SEPARATORS, min_size=8, max_size=8),
       st.booleans())
def test_a_phone_number_goes_in_any_spelling(before, digits, separators, full_width):
    redacted = redact(f"{before} ring {spelled(digits, separators, full_width)} takk")
    assert PHONE in redacted and not re.search(r"\d{3}", re.sub(r"\D", "", redacted.replace("113", ""))), redacted


@given(WORDS, st.from_regex(r"\d{11}", fullmatch=True), st.lists(SEPARATORS, min_size=11, max_size=11),
       st.booleans())
def test_a_fodselsnummer_goes_in_any_spelling(before, digits, separators, full_width):
    redacted = redact(f"{before} fnr {spelled(digits, separators, full_width)} ok")
    assert not re.search(r"\d", redacted), redacted


@pytest.mark.parametrize("written", ["kari(at)example.no", "kari @ example.no", "kari＠example.no", "kari [at] example.no"])
def test_an_email_address_goes_in_the_usual_disguises(written):
    assert redact(f"skriv til {written} takk") == f"skriv til {EMAIL} takk"
