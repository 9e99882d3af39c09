"""Opening hours: weekly rules, nights past midnight, Norwegian holidays, summer time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services_catalog.models import Schedule
from services_catalog.opening_hours import (
    OSLO,
    PINNED_NOW,
    WEEKDAYS,
    Asked,
    asked_moment,
    current_or_next_opening,
    is_open,
    is_public_holiday,
    now,
    openings_on,
)

EVERY_DAY = ",".join(WEEKDAYS)
WEEKDAYS_ONLY = "MO,TU,WE,TH,FR"


def rule(byday: str = EVERY_DAY, opens: str = "08:00", closes: str = "16:00", **extra) -> Schedule:
    return Schedule(freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes, **extra)


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


# --- examples ---------------------------------------------------------------------------


def test_office_hours_on_an_ordinary_weekday_and_outside_them():
    office = [rule(WEEKDAYS_ONLY, "08:00", "15:30")]
    assert is_open(office, oslo(2025, 5, 14, 8, 0), False) is True
    assert is_open(office, oslo(2025, 5, 14, 15, 29), False) is True
    assert is_open(office, oslo(2025, 5, 14, 15, 30), False) is False
    assert is_open(office, oslo(2025, 5, 14, 7, 59), False) is False
    assert is_open(office, oslo(2025, 5, 18, 12, 0), False) is False  # Sunday


def test_17_may_closes_weekly_rules_unless_open_on_holidays():
    office = [rule(WEEKDAYS_ONLY)]
    assert is_open(office, oslo(2024, 5, 17, 12), False) is False  # a Friday
    assert is_open(office, oslo(2024, 5, 17, 12), None) is False
    assert is_open(office, oslo(2024, 5, 17, 12), True) is True


@pytest.mark.parametrize("day", [date(2025, 4, 17), date(2025, 4, 18), date(2025, 4, 20), date(2025, 4, 21)])
def test_easter_days_are_holidays(day):
    assert is_public_holiday(day)
    assert is_open([rule()], datetime.combine(day, time(12), OSLO), False) is False
    assert is_open([rule()], datetime.combine(day, time(12), OSLO), True) is True


def test_ordinary_days_and_sundays_are_not_holidays():
    assert not is_public_holiday(date(2025, 4, 16))
    assert not is_public_holiday(date(2025, 5, 18))  # a Sunday, but no holiday


def test_a_night_past_midnight_belongs_to_the_evening_it_starts():
    friday_night = [rule("FR", "22:00", "02:00")]
    assert is_open(friday_night, oslo(2025, 5, 9, 23, 0), False) is True
    assert is_open(friday_night, oslo(2025, 5, 10, 1, 59), False) is True  # Saturday morning
    assert is_open(friday_night, oslo(2025, 5, 10, 2, 0), False) is False
    assert is_open(friday_night, oslo(2025, 5, 9, 1, 0), False) is False  # Friday morning is Thursday's night


def test_a_night_into_a_holiday_runs_on_but_none_starts_on_the_holiday():
    shelter = [rule(EVERY_DAY, "22:00", "08:00")]
    assert is_open(shelter, oslo(2025, 5, 17, 3, 0), False) is True  # began on 16 May
    assert is_open(shelter, oslo(2025, 5, 17, 23, 0), False) is False
    assert is_open(shelter, oslo(2025, 5, 18, 3, 0), False) is False
    assert is_open(shelter, oslo(2025, 5, 18, 3, 0), True) is True


def test_midnight_and_around_the_clock():
    until_midnight = [rule(EVERY_DAY, "18:00", "24:00")]
    assert is_open(until_midnight, oslo(2025, 5, 14, 23, 59), False) is True
    assert is_open(until_midnight, oslo(2025, 5, 15, 0, 0), False) is False
    around_the_clock = [rule(EVERY_DAY, "00:00", "00:00")]
    assert all(is_open(around_the_clock, oslo(2025, 5, 14, h), False) for h in range(24))


def test_no_rules_or_unreadable_rules_mean_unknown_not_closed():
    assert is_open([], oslo(2025, 5, 14, 12), False) is None
    monthly = Schedule(freq="MONTHLY", byday="1MO", opens_at="10:00", closes_at="12:00")
    no_times = Schedule(freq="WEEKLY", byday="MO")
    assert is_open([monthly, no_times], oslo(2025, 5, 14, 12), False) is None


def test_validity_bounds_the_days_an_opening_may_start():
    summer = [rule(valid_from=date(2025, 6, 1), valid_to=date(2025, 8, 31))]
    assert is_open(summer, oslo(2025, 5, 30, 12), False) is False
    assert is_open(summer, oslo(2025, 7, 2, 12), False) is True
    assert is_open(summer, oslo(2025, 9, 1, 12), False) is False


def test_a_rule_in_another_zone_is_read_in_that_zone():
    london = [rule(EVERY_DAY, "09:00", "10:00", timezone="Europe/London")]
    assert is_open(london, oslo(2025, 1, 15, 10, 30), False) is True
    assert is_open(london, oslo(2025, 1, 15, 9, 30), False) is False


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        is_open([rule()], datetime(2025, 5, 14, 12), False)


def test_the_night_summer_time_starts_is_an_hour_shorter_and_the_night_it_ends_an_hour_longer():
    spring, autumn = date(2025, 3, 29), date(2025, 10, 25)
    night = [rule(EVERY_DAY, "22:00", "08:00")]
    [short] = openings_on(night, spring, False)
    [long] = openings_on(night, autumn, False)
    assert short.end - short.start == timedelta(hours=10)  # same-zone subtraction is wall-clock; real time is not
    assert short.end.astimezone(timezone.utc) - short.start.astimezone(timezone.utc) == timedelta(hours=9)
    assert long.end.astimezone(timezone.utc) - long.start.astimezone(timezone.utc) == timedelta(hours=11)
    assert is_open(night, oslo(2025, 3, 30, 7, 30), False) is True
    assert is_open(night, oslo(2025, 3, 30, 8, 0), False) is False


def test_todays_hours_and_the_next_opening_skip_a_holiday_weekend():
    office = [rule(WEEKDAYS_ONLY, "08:00", "15:30")]
    assert openings_on(office, date(2024, 5, 17), False) == []
    assert [o.start.hour for o in openings_on(office, date(2024, 5, 16), False)] == [8]
    thursday_evening = oslo(2024, 5, 16, 16)
    following = current_or_next_opening(office, thursday_evening, False)
    assert following is not None and following.start == oslo(2024, 5, 21, 8)  # 20 May 2024 is Whit Monday
    assert current_or_next_opening(office, oslo(2024, 5, 16, 9), False).start == oslo(2024, 5, 16, 8)
    assert current_or_next_opening([], thursday_evening, False) is None


# --- properties ---------------------------------------------------------------------------

clock_minutes = st.integers(min_value=0, max_value=24 * 60 - 1)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(timezone.utc)
)
local_moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31))
byday_sets = st.sets(st.sampled_from(WEEKDAYS), min_size=1).map(lambda days: ",".join(sorted(days)))


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


rules = st.builds(
    lambda days, opens, closes: rule(days, hhmm(opens), hhmm(closes)), byday_sets, clock_minutes, clock_minutes
)
zones = st.sampled_from([OSLO, timezone.utc, ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")])


@given(st.lists(rules, max_size=4), moments, zones, st.booleans())
def test_the_answer_does_not_depend_on_the_zone_the_moment_is_given_in(schedules, when, zone, holidays_too):
    assert is_open(schedules, when, holidays_too) == is_open(schedules, when.astimezone(zone), holidays_too)


@given(clock_minutes, clock_minutes, local_moments, st.booleans())
def test_away_from_summer_time_changes_the_answer_is_the_wall_clock(opens, closes, local, holidays_too):
    assume(opens != closes)
    when = local.replace(tzinfo=OSLO)
    day_before = datetime.combine(local.date() - timedelta(days=1), time(0), OSLO)
    day_after = datetime.combine(local.date() + timedelta(days=1), time(23, 59), OSLO)
    assume(day_before.utcoffset() == day_after.utcoffset())
    now_minutes = local.hour * 60 + local.minute

    def starts(day: date) -> bool:
        return holidays_too or not is_public_holiday(day)

    if opens < closes:
        expected = starts(local.date()) and opens <= now_minutes < closes
    else:
        expected = (starts(local.date()) and now_minutes >= opens) or (
            starts(local.date() - timedelta(days=1)) and now_minutes < closes
        )
    assert is_open([rule(EVERY_DAY, hhmm(opens), hhmm(closes))], when, holidays_too) is expected


@given(st.lists(rules, max_size=3), rules, moments, st.booleans())
def test_another_rule_never_closes_an_open_service(schedules, extra, when, holidays_too):
    if is_open(schedules, when, holidays_too):
        assert is_open([*schedules, extra], when, holidays_too)


@given(st.lists(rules, min_size=1, max_size=3), moments)
def test_being_open_on_holidays_never_closes_a_service(schedules, when):
    if is_open(schedules, when, False):
        assert is_open(schedules, when, True)


@given(moments)
def test_around_the_clock_every_day_is_open_at_every_instant_through_summer_time(when):
    assert is_open([rule(EVERY_DAY, "00:00", "24:00")], when, True) is True
    expected = not is_public_holiday(when.astimezone(OSLO).date())
    assert is_open([rule(EVERY_DAY, "00:00", "24:00")], when, False) is expected


norwegian_holidays = st.sampled_from(sorted(holidays.country_holidays("NO", years=range(2020, 2036))))


@given(norwegian_holidays, st.integers(min_value=8 * 60, max_value=16 * 60 - 1))
def test_no_weekly_rule_opens_on_any_norwegian_holiday_unless_open_on_holidays(day, minute):
    when = datetime.combine(day, time(minute // 60, minute % 60), OSLO)
    assert is_open([rule()], when, False) is False
    assert is_open([rule()], when, True) is True


@given(st.lists(rules, min_size=1, max_size=3), moments, st.booleans())
def test_the_next_opening_agrees_with_is_open(schedules, when, holidays_too):
    opening = current_or_next_opening(schedules, when, holidays_too)
    if is_open(schedules, when, holidays_too):
        assert opening is not None and when in opening
    elif opening is not None:
        assert opening.start > when
        assert is_open(schedules, opening.start, holidays_too) is True


# --- what "nå", "i kveld" and "i natt" ask for ---------------------------------------------

@pytest.mark.parametrize(
    "asked,said_at,moment",
    [
        (Asked.NOW, oslo(2026, 12, 2, 14), oslo(2026, 12, 2, 14)),
        (Asked.TONIGHT, oslo(2026, 12, 2, 14), oslo(2026, 12, 2, 19)),
        (Asked.TONIGHT, oslo(2026, 12, 2, 21, 30), oslo(2026, 12, 2, 21, 30)),  # the evening is here
        (Asked.OVERNIGHT, oslo(2026, 12, 2, 14), oslo(2026, 12, 2, 23)),
        (Asked.OVERNIGHT, oslo(2026, 12, 3, 2), oslo(2026, 12, 3, 2)),  # the night is under way
        (Asked.TONIGHT, oslo(2026, 12, 3, 1), oslo(2026, 12, 3, 1)),
    ],
)
def test_a_time_of_day_is_read_as_a_moment_no_earlier_than_when_it_was_said(asked, said_at, moment):
    assert asked_moment(asked, said_at) == moment


@given(st.sampled_from(list(Asked)), st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)))
def test_the_asked_moment_is_never_in_the_past_nor_past_the_night(asked, local):
    said_at = local.replace(tzinfo=OSLO)
    moment = asked_moment(asked, said_at)
    assert said_at <= moment <= said_at + timedelta(hours=24)
    assert moment.astimezone(OSLO).date() == said_at.astimezone(OSLO).date()


def test_the_clock_can_be_pinned_for_tests_and_a_bad_pin_is_named(monkeypatch):
    monkeypatch.setenv(PINNED_NOW, "2026-12-02T20:00:00+01:00")
    assert now() == oslo(2026, 12, 2, 20)
    monkeypatch.setenv(PINNED_NOW, "2026-12-02T20:00:00")
    with pytest.raises(ValueError, match="UTC offset"):
        now()
    monkeypatch.setenv(PINNED_NOW, "onsdag kveld")
    with pytest.raises(ValueError, match=PINNED_NOW):
        now()
