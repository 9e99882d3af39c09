"""«Meld feil» over real HTTP: the API, the page's form, the marking on the list, and a flood."""
from __future__ import annotations

import subprocess
from datetime import datetime, timezone

from services_catalog.reports import RULES, Channel, Reason, file_report, newest, open_reports_session
from tests.support.cli import veiviser as cli
from tests.staff_web.conftest import fresh_reports, serve

async def first_id(client, **params) -> str:
    response = await client.get("/services", params={"per_page": "100", **params})
    return (await response.json())["contents"][0]["id"]


async def test_a_report_is_stored_redacted_and_without_the_reporter(catalogue_url):
    reports = fresh_reports()
    client = await serve(catalogue_url, reports_url=reports)
    try:
        service = await first_id(client, kommune="Bergen")
        response = await client.post(f"/services/{service}/reports",
                                     json={"reason": "wrong-phone", "text": "ring meg på 912 34 567, nummeret er dødt"})
        assert response.status == 201 and isinstance((await response.json())["id"], int)
        with open_reports_session(reports) as store:
            [report] = newest(store)
        assert (report.service_id, report.reason, report.channel) == (service, "wrong-phone", "staff")
        assert "912" not in report.text, report.text  # redacted like any message
    finally:
        await client.close()


async def test_bad_reports_get_clear_errors(reader):
    service = await first_id(reader, kommune="Bergen")
    for body, status in [({"reason": "ugly"}, 400), ({}, 400), ([1], 400), ({"reason": "closed", "text": 3}, 400)]:
        response = await reader.post(f"/services/{service}/reports", json=body)
        assert response.status == status and (await response.json())["error"], body
    response = await reader.post("/services/no-such-service/reports", json={"reason": "closed"})
    assert response.status == 404


async def test_the_staff_page_links_each_entry_to_a_form_that_files_a_report(catalogue_url):
    reports = fresh_reports()
    client = await serve(catalogue_url, reports_url=reports)
    try:
        page = await (await client.get("/", params={"place": "Bergen"})).text()
        service = await first_id(client, place="Bergen")
        assert f'href="/report/{service}"' in page
        form = await client.get(f"/report/{service}")
        assert form.status == 200 and 'name="reason"' in await form.text()
        missing = await client.post(f"/report/{service}", data={"text": "noe"})
        assert missing.status == 400 and "Velg hva som er feil" in await missing.text()
        sent = await client.post(f"/report/{service}", data={"reason": "closed", "text": "stengt i høst"})
        assert sent.status == 200 and "Takk" in await sent.text()
        with open_reports_session(reports) as store:
            assert [(r.service_id, r.reason, r.channel) for r in newest(store)] == [(service, "closed", "staff")]
        marked = await (await client.get("/", params={"place": "Bergen"})).text()
        card = next(part for part in marked.split('<li class="card"') if f'id="service-{service}"' in part)
        assert f"Meldt feil 1 gang siste {RULES.caution_days} dager" in card
        listed = await (await client.get("/services", params={"place": "Bergen", "per_page": "100"})).json()
        match = next(s["match"] for s in listed["contents"] if s["id"] == service)
        assert match["reports_open"] == 1 and match["caution"] is False
    finally:
        await client.close()


async def test_a_flood_leaves_the_service_listed_with_a_caution_at_most(catalogue_url):
    client = await serve(catalogue_url, reports_url=fresh_reports())
    try:
        service = await first_id(client, kommune="Bergen")
        statuses = [(await client.post(f"/services/{service}/reports", json={"reason": "closed"})).status
                    for _ in range(RULES.per_channel_per_hour + 5)]
        assert statuses.count(201) == RULES.per_channel_per_hour and set(statuses[-5:]) == {429}
        listed = await (await client.get("/services", params={"kommune": "Bergen", "per_page": "100"})).json()
        match = next(s["match"] for s in listed["contents"] if s["id"] == service)
        assert match["caution"] is True, "still listed, with a caution"
        page = await (await client.get("/", params={"kommune": "Bergen"})).text()
        assert "Flere har nylig meldt" in page
    finally:
        await client.close()


def test_the_cli_lists_reports_and_resolves_one(catalogue_url, tmp_path):
    reports = f"sqlite:///{tmp_path}/reports.sqlite"
    with open_reports_session(reports) as store:
        first = file_report(store, "nat-113-medisinsk-nodnummer", Reason.OTHER, Channel.CHAT, "tekst", datetime.now(timezone.utc))

    def veiviser(*args: str) -> subprocess.CompletedProcess:
        return cli(catalogue_url, *args)

    listed = veiviser("reports", "--reports-url", reports)
    assert listed.returncode == 0 and "nat-113-medisinsk-nodnummer" in listed.stdout and "Per record" in listed.stdout
    resolved = veiviser("resolve", str(first.id), "--as", "dismissed", "--reports-url", reports)
    assert resolved.returncode == 0 and "resolved as dismissed" in resolved.stdout
    assert "No open reports." in veiviser("reports", "--reports-url", reports).stdout
    again = veiviser("resolve", str(first.id), "--as", "fixed", "--reports-url", reports)
    assert again.returncode == 2 and "no open report" in again.stderr
