"""«Meld feil» in the chat and by SMS, through action_find_services and action_report_error."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.find_services import ActionFindServices
from actions.report_error import ActionReportError
from bot.commands import as_command_or_text
from services_catalog.reports import RULES, Channel, Reason, file_report, newest, open_reports_session, utc_now
from tests.support.actions import cards, from_channel, responses



async def shown_in(catalogue, place: str, tracker_for, domain) -> list[dict[str, str]]:
    """Run a results turn; what it remembers as shown."""
    events = await ActionFindServices(catalogue).run(CollectingDispatcher(), tracker_for("seek_help_self", location=place,
                                                               need="seek_help_self"), domain)
    return next(e["value"] for e in events if e.get("name") == "shown_services")


def reports_about(service_id: str) -> list:
    with open_reports_session() as store:
        return [r for r in newest(store) if r.service_id == service_id]


async def test_a_results_turn_remembers_what_it_showed(catalogue, tracker_for, domain):
    dispatcher = CollectingDispatcher()
    events = await ActionFindServices(catalogue).run(dispatcher, from_channel(tracker_for("seek_help_self", location="Bergen",
                                                                  need="seek_help_self"), "rest"), domain)
    shown = next(e["value"] for e in events if e.get("name") == "shown_services")
    assert [s["id"] for s in shown] == [c["custom"]["id"] for c in cards(dispatcher)]


async def test_the_number_does_not_work_right_after_one_result_is_filed_about_it(
    catalogue, dispatcher, tracker_for, domain
):
    [only, *_] = await shown_in(catalogue, "Bergen", tracker_for, domain)
    before = len(reports_about(only["id"]))
    tracker = tracker_for("report_error", "nummeret virker ikke", entities=[{"entity": "reason", "value": "wrong-phone"}],
                          shown_services=[only])
    await ActionReportError(catalogue).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_report_thanks"]
    filed = reports_about(only["id"])
    assert len(filed) == before + 1
    assert (filed[0].reason, filed[0].channel, filed[0].text) == ("wrong-phone", "chat", "nummeret virker ikke")


async def test_with_several_shown_the_bot_asks_which_then_what(catalogue, tracker_for, domain):
    shown = await shown_in(catalogue, "Oslo", tracker_for, domain)
    assert len(shown) > 1
    asked = CollectingDispatcher()
    await ActionReportError(catalogue).run(asked, tracker_for("report_error", "dette stemmer ikke", shown_services=shown), domain)
    buttons = asked.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == [s["name"] for s in shown]
    second = buttons[1]["payload"]
    assert as_command_or_text(second) == second, "a «which» button survives the channel as a command"

    what = CollectingDispatcher()
    events = await ActionReportError(catalogue).run(what, tracker_for("report_error", second, entities=[
        {"entity": "service", "value": shown[1]["id"]}], shown_services=shown), domain)
    assert responses(what) == ["utter_ask_report_reason"] and what.messages[0]["name"] == shown[1]["name"]
    assert {"event": "slot", "name": "reporting", "value": {"service": shown[1]["id"]}, "timestamp": None} in events

    before = len(reports_about(shown[1]["id"]))
    done = CollectingDispatcher()
    await ActionReportError(catalogue).run(done, tracker_for("report_error", '/report_error{"reason": "closed"}', entities=[
        {"entity": "reason", "value": "closed"}], shown_services=shown, reporting={"service": shown[1]["id"]}), domain)
    assert responses(done) == ["utter_report_thanks"]
    filed = reports_about(shown[1]["id"])
    assert len(filed) == before + 1 and filed[0].reason == "closed" and filed[0].text is None  # a button, not words


async def test_a_reason_said_before_the_bot_asks_which_is_kept(catalogue, tracker_for, domain):
    shown = await shown_in(catalogue, "Oslo", tracker_for, domain)
    asked = CollectingDispatcher()
    events = await ActionReportError(catalogue).run(asked, tracker_for("report_error", "nummeret virker ikke", entities=[
        {"entity": "reason", "value": "wrong-phone"}], shown_services=shown), domain)
    pending = next(e["value"] for e in events if e.get("name") == "reporting")
    before = len(reports_about(shown[0]["id"]))
    done = CollectingDispatcher()
    await ActionReportError(catalogue).run(done, tracker_for("report_error", asked.messages[0]["buttons"][0]["payload"], entities=[
        {"entity": "service", "value": shown[0]["id"]}], shown_services=shown, reporting=pending), domain)
    assert responses(done) == ["utter_report_thanks"]
    assert reports_about(shown[0]["id"])[0].reason == "wrong-phone" and len(reports_about(shown[0]["id"])) == before + 1


async def test_feil_2_by_sms_reports_the_second_service_listed(catalogue, dispatcher, tracker_for, domain):
    shown = await shown_in(catalogue, "Oslo", tracker_for, domain)
    command = as_command_or_text("FEIL 2")
    assert command == '/report_error{"position": 2}'
    before = len(reports_about(shown[1]["id"]))
    tracker = from_channel(tracker_for("report_error", command, entities=[{"entity": "position", "value": 2},
                                                                            {"entity": "reason", "value": "other"}],
                                       shown_services=shown), "sms")
    await ActionReportError(catalogue).run(dispatcher, tracker, domain)
    filed = reports_about(shown[1]["id"])
    assert len(filed) == before + 1 and filed[0].channel == "sms"


async def test_an_sms_results_turn_says_how_to_report(catalogue, dispatcher, tracker_for, domain):
    await ActionFindServices(catalogue).run(dispatcher, from_channel(tracker_for("seek_help_self", location="Bergen", need="seek_help_self"),
                                            "sms"), domain)
    assert "utter_report_hint_sms" in responses(dispatcher)


async def test_nothing_shown_yet_is_said(catalogue, dispatcher, tracker_for, domain):
    await ActionReportError(catalogue).run(dispatcher, tracker_for("report_error", "nummeret virker ikke"), domain)
    assert responses(dispatcher) == ["utter_report_nothing_shown"]


async def test_a_card_warns_once_enough_people_have_said_it_closed(catalogue, tracker_for, domain):
    [first, *_] = await shown_in(catalogue, "Tromsø", tracker_for, domain)
    with open_reports_session() as store:
        for _ in range(RULES.caution_reports):
            file_report(store, first["id"], Reason.CLOSED, Channel.STAFF, None, utc_now())
    dispatcher = CollectingDispatcher()
    await ActionFindServices(catalogue).run(dispatcher, tracker_for("seek_help_self", location="Tromsø", need="seek_help_self"), domain)
    warned = [c for c in cards(dispatcher) if c["summary"].startswith("Flere har nylig sagt")]
    assert [c["name"] for c in warned] and first["name"] in warned[0]["name"], "still shown, with a caution"
