"""The staff list as plain text for a journal note, over real HTTP: the same search as the page."""
from __future__ import annotations

import html
import re

from tests.staff_web.conftest import auth, example_service


async def test_the_note_is_the_pages_list_as_plain_text(writer):
    local = example_service()
    local["service_areas"] = [area for area in local["service_areas"] if "kommune" in area["uri"]]
    await writer.post("/import", json=[local], headers=auth())
    response = await writer.get("/note", params={"place": "5003", "type": "lavterskel-helse", "drop_in": "true"})
    assert response.status == 200 and response.content_type == "text/plain" and response.charset == "utf-8"
    note = await response.text()
    assert note.startswith("Hjelpetilbud for Bergen, søkt ")
    assert "Søkt etter: 5003 · Lavterskel helsetilbud · uten timeavtale" in note
    entry = note[note.index("Eksempeltjeneste for test"):]
    for needed in ("Slik kommer en inn: uten timeavtale", "Telefon: 08588", "Adresse: Eksempelstedet, Eksempelgata 1, 5003 Bergen",
                   "man, tir, ons, tor, fre 18:00–02:00", "Kilde: https://example.org/eksempel (oppdatert 01.10.2026)"):
        assert needed in entry, needed
    assert re.search(r"^   Åpent: .*man, tir, ons, tor, fre 18:00–02:00", entry, re.MULTILINE)
    assert "<" not in note, "no markup in a journal note"


async def test_the_page_links_to_its_own_note(reader):
    response = await reader.get("/", params={"place": "Bodø", "type": "avrusning"})
    page = await response.text()
    link = re.search(r'<a class="no-print" href="([^"]+)">Som tekst til journalnotat</a>', page)
    assert link and link[1].startswith("/note?")
    note = await (await reader.get(html.unescape(link[1]))).text()
    assert "Søkt etter: Bodø · Avrusning" in note and re.search(r"^1\. ", note, re.MULTILINE)


async def test_a_place_that_does_not_exist_is_a_plain_400(reader):
    response = await reader.get("/note", params={"place": "Trmoso"})
    assert response.status == 400 and response.content_type == "text/plain"
    assert "Fant ingen kommune, sted eller postnummer som heter «Trmoso»." in await response.text()
