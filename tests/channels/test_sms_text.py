"""Segments, SMS formatting and numbered choices: plain functions, no server."""
from __future__ import annotations

import math
import re

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.sms_text import (
    GSM7_TWINS,
    choice_payload,
    encoding,
    for_sms,
    format_turn,
    is_gsm7,
    pack,
    segments,
    short_link,
    turn_choices,
)
from tests.conftest import ROOT

GSM7_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
GSM7_EXTENSION = "^{}\\[~]|€"


def test_norwegian_letters_are_gsm7_and_typography_is_not():
    assert is_gsm7("Æ Ø Å æ ø å, 116 123")
    assert not is_gsm7("≈ 3 km")
    assert not is_gsm7("hverdager 11–18")  # en dash
    assert not is_gsm7("Kárášjohka")


def test_the_segment_boundaries():
    assert encoding("a" * 160).segments == 1
    assert encoding("a" * 161).segments == 2
    assert encoding("a" * 306).segments == 2
    assert encoding("a" * 307).segments == 3
    assert encoding("ø" * 70 + "≈").segments == 2  # 71 UCS-2 units
    assert encoding("≈" * 70).segments == 1
    assert encoding("€" * 80).units == 160 and encoding("€" * 80).segments == 1
    assert encoding("€" * 81).segments == 2


def test_an_escape_pair_is_never_split_across_parts():
    # 152 septets then "€" (2 septets): the euro cannot start in part one's last septet.
    text = "a" * 152 + "€" + "a" * 152
    assert encoding(text).units == 306
    assert encoding(text).segments == 3


@settings(deadline=None)
@given(st.text(alphabet=GSM7_BASIC, max_size=700))
def test_basic_gsm7_text_follows_160_and_153(text):
    n = len(text)
    assert encoding(text).name == "GSM-7"
    assert encoding(text).segments == (1 if n <= 160 else math.ceil(n / 153))


@settings(deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x0400, max_codepoint=0x04FF), min_size=1, max_size=400))
def test_text_outside_gsm7_follows_70_and_67(text):
    n = len(text)
    assert encoding(text).name == "UCS-2"
    assert encoding(text).segments == (1 if n <= 70 else math.ceil(n / 67))


@settings(deadline=None)
@given(st.text(alphabet=GSM7_BASIC + GSM7_EXTENSION, max_size=600))
def test_gsm7_units_count_extension_characters_twice(text):
    expected = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    assert encoding(text).units == expected


def test_typography_with_a_gsm7_twin_becomes_it():
    assert for_sms("Hvor: Bergen, ≈ 3.2 km") == "Hvor: Bergen, ~ 3.2 km"
    assert for_sms("hverdager kl. 11–18, «velg behandlingssted»") == 'hverdager kl. 11-18, "velg behandlingssted"'
    assert all(is_gsm7(twin) for twin in GSM7_TWINS.values() if isinstance(twin, str))


def test_links_are_short_and_untracked():
    assert short_link("https://www.helsenorge.no/velg-behandlingssted/") == "helsenorge.no/velg-behandlingssted"
    assert short_link("https://rusinfo.no/?utm_source=sms&utm_medium=x") == "rusinfo.no"
    assert short_link("https://example.no/side?id=4&fbclid=abc") == "example.no/side?id=4"
    assert short_link("tel:+4791508588") == "+4791508588"
    assert for_sms("Se https://www.rusinfo.no/.") == "Se rusinfo.no."


def test_buttons_become_numbered_choices_across_the_turn_and_a_number_picks_one():
    turn = [
        {"text": "Dette fant jeg:"},
        {"text": "Vil du at jeg skal snevre inn?", "buttons": [
            {"title": "Åpent nå", "payload": "/open"}, {"title": "Uten timeavtale", "payload": "/drop_in"}]},
        {"text": "Eller:", "buttons": [{"title": "Vis alt", "payload": "/all"}]},
    ]
    [sms] = format_turn(turn)
    assert "1) Åpent nå\n2) Uten timeavtale" in sms and "3) Vis alt" in sms
    choices = turn_choices(turn)
    assert choice_payload("2", choices) == "/drop_in"
    assert choice_payload(" 3. ", choices) == "/all"
    assert choice_payload("4", choices) is None
    assert choice_payload("0", choices) is None
    assert choice_payload("2 barn", choices) is None
    assert choice_payload("2", []) is None


def _service_card(language_index: int = 1) -> str:
    responses = yaml.safe_load((ROOT / "bot" / "domain" / "help.yml").read_text())["responses"]
    return responses["utter_service_card"][language_index]["text"]


def test_a_long_service_card_is_split_between_lines_within_3_segments():
    card = _service_card().format(
        name="Lavterskel helsetjeneste for rusavhengige (Bergen kommune, Etat for psykisk helse og rustjenester)",
        summary="Sårbehandling, vaksiner, helsesjekk og rent brukerutstyr uten timeavtale. " * 4,
        why="Helsehjelp, rent utstyr", access="Uten timeavtale. Ingen henvisning",
        hours="åpent nå, til kl. 15:00", contact="55 56 92 00, https://www.bergen.kommune.no/hvaskjer/tema/rus?utm_source=x",
        where="Bergen, ≈ 1.2 km", address="Eksempelgata 1, 5000 Bergen", source="bergen.kommune.no, oppdatert 01.10.2026", verified="22.11.2026",
    )
    sms = format_turn([{"text": card}])
    assert len(sms) >= 2
    assert all(segments(s) <= 3 for s in sms)
    assert all(is_gsm7(s) for s in sms)
    assert any("Kontakt: 55 56 92 00, bergen.kommune.no/hvaskjer/tema/rus" in s for s in sms)


def test_short_messages_of_a_turn_share_one_sms():
    assert pack(["Hei!", "Hvor bor du?"]) == ["Hei!\n\nHvor bor du?"]


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå", min_size=1, max_size=12)
_phone = st.sampled_from(["22 40 00 40", "116 123", "915 08588", "+47 55 56 92 00"])
_sentence = st.lists(st.one_of(_words, _phone), min_size=1, max_size=25).map(lambda ws: " ".join(ws) + ".")
_block = st.lists(_sentence, min_size=1, max_size=12).map(" ".join)


@settings(deadline=None, max_examples=150)
@given(st.lists(_block, min_size=1, max_size=6))
def test_packing_keeps_every_character_fits_3_segments_and_never_cuts_a_number(blocks):
    sms = pack(blocks)
    assert all(segments(s) <= 3 for s in sms)
    assert re.sub(r"\s", "", "".join(sms)) == re.sub(r"\s", "", "".join(blocks))
    for number in ("22 40 00 40", "116 123", "915 08588", "+47 55 56 92 00"):
        assert sum(s.count(number) for s in sms) == sum(b.count(number) for b in blocks)


@settings(deadline=None)
@given(st.text(max_size=2000))
def test_any_text_is_packed_within_3_segments_without_loss(text):
    sms = pack([text]) if text.strip() else []
    assert all(segments(s) <= 3 for s in sms)
    assert re.sub(r"\s", "", "".join(sms)) == re.sub(r"\s", "", text)


def test_a_block_too_long_for_one_sms_is_cut_evenly_and_its_tail_not_mixed_with_the_next():
    card = "\n".join(f"Linje {i}: " + "x" * 60 for i in range(8))  # 8 lines of 70: 3 segments hold 6
    first, second, after = pack(["Kort intro", card, "Neste kort"])
    assert first.startswith("Kort intro\n\nLinje 0") and after == "Neste kort"
    assert first.count("Linje") == second.count("Linje") == 4


_button = st.builds(lambda title, n: {"title": title, "payload": f"/choice_{n}"},
                    st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå ", min_size=1, max_size=30).map(str.strip).filter(bool),
                    st.integers(0, 10_000))
_message = st.fixed_dictionaries({"text": _words}, optional={"buttons": st.lists(_button, max_size=7)})


@settings(deadline=None)
@given(st.lists(_message, min_size=1, max_size=4))
def test_the_number_shown_before_a_choice_picks_that_choice(turn):
    shown = re.findall(r"^(\d+)\) (.*)$", "\n".join(format_turn(turn)), re.MULTILINE)
    choices = turn_choices(turn)
    assert len(shown) == len(choices)
    for (number, title), button in zip(shown, choices):
        assert title == for_sms(button["title"])
        assert choice_payload(number, choices) == button["payload"]


def test_a_cut_keeps_the_spacing_of_the_level_it_was_made_at():
    line = "Første setning er her. " * 25 + "Slutt."  # 581 characters: one line, two SMS
    sms = pack([line + "\nNeste linje."])
    assert len(sms) == 2 and all(segments(s) <= 3 for s in sms)
    assert " ".join(sms).split() == (line + " Neste linje.").split()
    assert not any("\nFørste" in s for s in sms)  # sentences of one line are never put on new lines
    assert sms[1].endswith("Slutt.\nNeste linje.")
