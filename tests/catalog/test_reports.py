"""Reports that a record is wrong: kept without the reporter, counted, a caution past the threshold, never hidden."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services_catalog.reports import (
    Channel, Outcome, Reason, Report, Rules, TooManyReports, cautioned, file_report, newest, open_counts,
    open_reports_session, resolve,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    with open_reports_session(f"sqlite:///{tmp_path}/reports.sqlite") as session:
        yield session


def test_a_report_keeps_the_record_reason_channel_and_time_and_nothing_of_the_reporter(store):
    report = file_report(store, "svc-1", Reason.CLOSED, Channel.SMS, "  de har lagt ned  ", NOW)
    assert (report.service_id, report.reason, report.channel, report.text) == ("svc-1", "closed", "sms", "de har lagt ned")
    assert {c.name for c in Report.__table__.columns} == {
        "id", "service_id", "reason", "channel", "text", "created", "resolved", "outcome"}, "no sender, no address"


def test_reports_are_listed_newest_first_and_counted_per_record(store):
    for hours, service in [(3, "a"), (2, "b"), (1, "a")]:
        file_report(store, service, Reason.WRONG_HOURS, Channel.CHAT, None, NOW - timedelta(hours=hours))
    assert [r.service_id for r in newest(store)] == ["a", "b", "a"]
    assert open_counts(store, ["a", "b", "c"], NOW) == {"a": 2, "b": 1}


def test_a_caution_needs_enough_recent_open_grave_reports(store):
    rules = Rules(caution_reports=2, caution_days=30)
    file_report(store, "x", Reason.CLOSED, Channel.CHAT, None, NOW - timedelta(days=40), rules)  # too old
    file_report(store, "x", Reason.WRONG_HOURS, Channel.CHAT, None, NOW, rules)  # not grave
    file_report(store, "x", Reason.WRONG_PHONE, Channel.STAFF, None, NOW, rules)
    assert cautioned(store, ["x"], NOW, rules) == set()
    second = file_report(store, "x", Reason.CLOSED, Channel.SMS, None, NOW, rules)
    assert cautioned(store, ["x"], NOW, rules) == {"x"}
    resolve(store, second.id, Outcome.DISMISSED, NOW)
    assert cautioned(store, ["x"], NOW, rules) == set(), "a resolved report no longer counts"


def test_each_channel_may_file_only_so_many_an_hour(store):
    rules = Rules(per_channel_per_hour=3)
    for _ in range(3):
        file_report(store, "y", Reason.OTHER, Channel.CHAT, None, NOW, rules)
    with pytest.raises(TooManyReports):
        file_report(store, "y", Reason.OTHER, Channel.CHAT, None, NOW, rules)
    file_report(store, "y", Reason.OTHER, Channel.STAFF, None, NOW, rules)  # another channel is not blocked
    file_report(store, "y", Reason.OTHER, Channel.CHAT, None, NOW + timedelta(hours=1, seconds=1), rules)


@settings(max_examples=25, deadline=None)
@given(flood=st.lists(st.sampled_from(list(Reason)), min_size=1, max_size=80))
def test_a_flood_of_reports_can_at_most_put_a_caution_on_a_service(tmp_path_factory, flood):
    with open_reports_session(f"sqlite:///{tmp_path_factory.mktemp('flood')}/reports.sqlite") as store:
        rules = Rules(caution_reports=3, per_channel_per_hour=20)
        filed = 0
        for reason in flood:
            try:
                file_report(store, "target", reason, Channel.CHAT, None, NOW, rules)
                filed += 1
            except TooManyReports:
                pass
        assert filed == min(len(flood), 20)
        grave = sum(1 for reason in flood[:20] if reason in rules.grave)
        assert cautioned(store, ["target", "other"], NOW, rules) == ({"target"} if grave >= 3 else set())


def test_resolving_twice_or_an_unknown_report_is_refused(store):
    report = file_report(store, "z", Reason.CLOSED, Channel.CHAT, None, NOW)
    resolve(store, report.id, Outcome.RECHECKED, NOW)
    with pytest.raises(LookupError):
        resolve(store, report.id, Outcome.FIXED, NOW)
    with pytest.raises(LookupError):
        resolve(store, 999, Outcome.FIXED, NOW)
    with pytest.raises(ValueError):
        file_report(store, "z", Reason.CLOSED, Channel.CHAT, None, NOW.replace(tzinfo=None))


def test_the_thresholds_are_settings(monkeypatch):
    from services_catalog.reports import rules_from_settings
    monkeypatch.setenv("VEIVISER_REPORTS_CAUTION", "5")
    monkeypatch.setenv("VEIVISER_REPORTS_CAUTION_DAYS", "7")
    monkeypatch.setenv("VEIVISER_REPORTS_PER_HOUR", "10")
    assert rules_from_settings() == Rules(caution_reports=5, caution_days=7, per_channel_per_hour=10)
