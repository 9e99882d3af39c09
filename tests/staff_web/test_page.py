"""The staff page over real HTTP: the form, the list and its escaping. The browser test is tests/browser."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from services_catalog.taxonomy import ServiceType
from tests.staff_web.conftest import auth, example_service

FEEDS = Path(__file__).parents[1] / "catalog" / "feeds"


async def page(client, **params) -> tuple[int, str]:
    response = await client.get("/", params=params)
    assert response.content_type == "text/html"
    return response.status, await response.text()


async def test_the_empty_page_is_an_accessible_form_with_every_service_type(reader):
    status, text = await page(reader)
    assert status == 200 and '<html lang="nb">' in text
    assert '<label for="place">' in text and 'id="place"' in text
    assert text.count("<fieldset>") == text.count("<legend>") >= 2
    for service_type in ServiceType:
        assert f'value="{service_type.value}"' in text and html.escape(service_type.label_nb) in text
    assert "<script" not in text  # works without JavaScript


async def test_results_show_what_staff_need(writer):
    local = example_service()
    local["service_areas"] = [area for area in local["service_areas"] if "kommune" in area["uri"]]
    await writer.post("/import", json=[local], headers=auth())
    status, text = await page(writer, place="5003", type="lavterskel-helse", drop_in="true")
    assert status == 200
    card = next(part for part in text.split('<li class="card"') if 'id="service-eksempel-1"' in part)
    for needed in ("Eksempeltjeneste for test", "Drop-in", "Lavterskel helsetilbud", 'href="tel:08588"',
                   "Eksempelgata 1, 5003 Bergen", '<a href="https://example.org/eksempel">example.org</a>, oppdatert 01.10.2026', "Sist kontrollert 01.11.2026",
                   "man, tir, ons, tor, fre 18:00–02:00", " km (Bergen)"):
        assert needed in card, needed
    assert re.search(r"(Åpent nå|Stengt nå)", card)
    assert 'checked' in text[text.index('value="lavterskel-helse"') - 80:text.index('value="lavterskel-helse"') + 40]


async def test_everything_from_the_catalogue_is_escaped(writer):
    hostile = example_service(
        name='<script>alert("navn")</script>',
        application_process="<img src=x onerror=alert(1)>",
        url="javascript:alert(1)",
        phones=[{"id": "tlf", "number": '"><script>alert(2)</script>', "x_source_url": "https://example.org/eksempel"}],
    )
    assert (await writer.post("/import", json=[hostile], headers=auth())).status == 200
    status, text = await page(writer, place="Bergen", type="lavterskel-helse")
    assert status == 200
    assert "&lt;script&gt;alert(&#34;navn&#34;)&lt;/script&gt;" in text
    assert "<script" not in text and "<img" not in text and "javascript:" not in text


async def test_typed_text_is_escaped_back_into_the_form(reader):
    status, text = await page(reader, place='"><script>alert(3)</script>')
    assert status == 400 and "<script" not in text and "&lt;script&gt;" in text


async def test_an_unknown_place_says_so_in_norwegian_with_a_suggestion(reader):
    status, text = await page(reader, place="Trmoso", type="lar")
    assert status == 400
    assert "Fant ingen kommune, sted eller postnummer som heter «Trmoso»" in text
    link = re.search(r'Mente du <a href="([^"]+)">Tromsø</a>', text)
    assert link and "type=lar" in html.unescape(link[1])
    assert (await reader.get("/" + html.unescape(link[1]))).status == 200


async def test_a_misspelt_place_says_which_place_it_searched(reader):
    status, text = await page(reader, place="Kristiansnad")
    assert status == 200
    assert "Viser treff for Kristiansand. Du skrev «Kristiansnad»." in text
    assert 'value="Kristiansand"' in text, "the field holds the place searched, not the typo"
    status, text = await page(reader, place="Grünerløkka")
    assert status == 200 and "Du skrev" not in text, "a neighbourhood is a place of its own, not a typo"


async def test_the_list_says_what_it_answers_and_comes_before_the_form(reader):
    status, text = await page(reader, place="Bergen", type="lar", drop_in="true", age="17")
    assert status == 200
    assert "Søkt etter: Bergen · LAR (legemiddelassistert rehabilitering) · uten timeavtale · alder 17." in html.unescape(text)
    assert text.index('class="results"') < text.index('<form'), "on a phone the answer must not sit under the form"
    status, text = await page(reader)
    assert 'class="results"' not in text and "<form" in text


async def test_an_empty_answer_does_not_promise_the_nearest(reader):
    status, text = await page(reader, place="Kautokeino", type="lar", anonymous="true", drop_in="true")
    assert status == 200 and "Ingen tilbud passer" in text
    assert "Her er de nærmeste" not in text


async def test_many_results_are_paged_with_links(reader):
    status, text = await page(reader, place="Bergen", per_page="3")
    assert status == 200 and 'rel="next"' in text and "Side 1 av" in text


async def test_the_stylesheet_prints_without_the_form(reader):
    response = await reader.get("/static/staff.css")
    css = await response.text()
    assert response.status == 200 and "@media print" in css
    assert re.search(r"@media print\s*{[^}]*form\.lookup[^{]*{\s*display:\s*none", css)


async def test_the_coverage_page_shows_the_table_and_a_map(reader):
    response = await reader.get("/coverage", params={"type": "lar"})
    text = await response.text()
    assert response.status == 200 and "<table" in text and text.count("<path") == 357
    assert "LAR (legemiddelassistert rehabilitering): dekning per kommune" in text
    assert (await reader.get("/coverage", params={"type": "<script>"})).status == 400
    report = await (await reader.get("/coverage.json")).json()
    assert len(report["kommuner"]) == 357


async def test_a_record_without_source_or_type_is_shown_to_staff_marked(writer):
    """A feed's record not yet sourced or mapped: staff see it, marked; the chat does not (tests/catalog/test_feeds.py)."""
    plain = json.loads((FEEDS / "service.json").read_text(encoding="utf-8"))
    assert (await writer.post("/import", json=[plain], headers=auth())).status == 200
    status, text = await page(writer, place="Bergen", per_page="100")
    card = next(part for part in text.split('<li class="card"') if plain["id"] in part)
    assert "Ikke kontrollert" in card and "Ikke kategorisert" in card
    found = await (await writer.get("/services", params={"place": "Bergen", "per_page": "100"})).json()
    match = next(s["match"] for s in found["contents"] if s["id"] == plain["id"])
    assert match["unverified"] is True and match["untyped"] is True
