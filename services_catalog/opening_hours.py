"""Is a service open at a given moment? Read from its HSDS weekly schedules.

People ask "is anything open now?" at night, at weekends and on holidays,
when getting it wrong sends them to a locked door. The conventions every
schedule in the catalogue follows (and this module is where they live):

- A rule is HSDS-weekly: ``freq`` WEEKLY (or empty), ``byday`` like
  "MO,TU" (empty: every day), ``opens_at``/``closes_at`` "HH:MM[:SS]" in
  wall-clock time of ``timezone`` (an IANA name; anything else, including
  HSDS's bare UTC offsets which know nothing of summer time, means
  Europe/Oslo).
- ``closes_at`` earlier than ``opens_at`` means open past midnight: the
  opening starts on the listed day and the part after midnight falls on the
  next day. ``closes_at`` "24:00" closes at midnight; ``closes_at`` equal to
  ``opens_at`` means around the clock (24 hours).
- An opening belongs to the day it starts. On a Norwegian public holiday no
  opening starts unless the service is open on holidays; a night that began
  the evening before a holiday runs on until it closes.
- ``valid_from``/``valid_to`` bound the days on which an opening may start.
- A service without a usable rule has unknown hours: `is_open` says None,
  never False, so nobody is told a service is closed when we do not know.

Openings are compared with the moment in UTC, so they last the real time
between their wall-clock ends across summer-time changes (a wall time that
does not exist or occurs twice is read as zoneinfo reads it, fold=0).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from functools import lru_cache
from typing import Iterable, Optional, Protocol, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

OSLO = ZoneInfo("Europe/Oslo")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_MIDNIGHT = "24:00"


class WeeklyRule(Protocol):
    """What a schedule row must offer: the ORM `Schedule` and plain query rows both do."""

    @property
    def freq(self) -> Optional[str]: ...
    @property
    def byday(self) -> Optional[str]: ...
    @property
    def opens_at(self) -> Optional[str]: ...
    @property
    def closes_at(self) -> Optional[str]: ...
    @property
    def timezone(self) -> Optional[str]: ...
    @property
    def valid_from(self) -> Optional[date]: ...
    @property
    def valid_to(self) -> Optional[date]: ...


@dataclass(frozen=True, order=True)
class Opening:
    """One stretch of open time, as aware datetimes in the rule's zone; `end` is exclusive."""

    start: datetime
    end: datetime

    def __contains__(self, when: datetime) -> bool:
        return self.start <= when < self.end


# An ISO moment with its offset ("2026-12-02T20:00:00+01:00") that `now()` returns instead of
# the clock: end-to-end tests of "open tonight" must give the same answer at any hour they run.
PINNED_NOW = "VEIVISER_NOW"


def now() -> datetime:
    """The current moment in Norway; callers pass it on so tests can pass their own."""
    pinned = os.environ.get(PINNED_NOW)
    return _pinned(pinned) if pinned else datetime.now(OSLO)


def _pinned(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{PINNED_NOW}={text!r} is not an ISO date and time such as 2026-12-02T20:00:00+01:00") from None
    if moment.utcoffset() is None:
        raise ValueError(f"{PINNED_NOW}={text!r} needs its UTC offset (+01:00 in winter, +02:00 in summer)")
    return moment.astimezone(OSLO)


class Asked(str, Enum):
    """When someone wants a place to be open, as they say it: "nå", "i kveld", "i natt".

    The values are the screening's priority codes (conversation/screening_cues.yml).
    """

    NOW = "open_now"
    TONIGHT = "tonight"
    OVERNIGHT = "overnight"


# The clock time "i kveld" and "i natt" are read as while it is still earlier in the day:
# evening drop-ins open by 19, night shelters by 23.
_ASKED_CLOCK = {Asked.TONIGHT: time(19, 0), Asked.OVERNIGHT: time(23, 0)}
# Until this time, "i kveld" and "i natt" mean the night that is going on.
NIGHT_ENDS = time(6, 0)


def asked_moment(asked: Asked, when: datetime) -> datetime:
    """The moment a place must be open at for what was asked at `when`: `when` itself for "nå",
    and for a time later today (or in a night under way) as late as that."""
    clock = _ASKED_CLOCK.get(asked)
    local = _aware(when).astimezone(OSLO)
    if clock is None or local.time() < NIGHT_ENDS or local.time() >= clock:
        return when
    return datetime.combine(local.date(), clock, OSLO)


def is_public_holiday(day: date) -> bool:
    """Norwegian public holidays (helligdager, 1 May and 17 May); Sundays are not counted."""
    return day in _holidays(day.year)


def is_open(rules: Iterable[WeeklyRule], when: datetime, open_on_holidays: bool | None) -> bool | None:
    """True/False by the rules; None when there is no usable rule (hours unknown, not closed)."""
    usable = [rule for rule in rules if usable_rule(rule)]
    if not usable:
        return None
    return any(when in opening for opening in _openings_around(usable, _aware(when), open_on_holidays))


def openings_on(rules: Iterable[WeeklyRule], day: date, open_on_holidays: bool | None) -> list[Opening]:
    """The openings that start on `day`: what "today's hours" means, sorted by start."""
    return sorted(
        opening
        for rule in rules
        if usable_rule(rule) and (opening := _opening(rule, day, open_on_holidays)) is not None
    )


def current_or_next_opening(
    rules: Sequence[WeeklyRule], when: datetime, open_on_holidays: bool | None, within_days: int = 14
) -> Opening | None:
    """The opening in progress at `when`, else the next to start within `within_days`; None if none is known."""
    when = _aware(when)
    usable = [rule for rule in rules if usable_rule(rule)]
    first_day = when.astimezone(OSLO).date() - timedelta(days=2)
    for offset in range(within_days + 3):
        for opening in openings_on(usable, first_day + timedelta(days=offset), open_on_holidays):
            if when < opening.end:
                return opening
    return None


def usable_rule(rule: WeeklyRule) -> bool:
    """A rule we can read: weekly, with both times and known weekdays. Others leave hours unknown."""
    if (rule.freq or "WEEKLY").upper() != "WEEKLY":
        return False
    if clock_time(rule.opens_at) is None or rule.opens_at == _MIDNIGHT or clock_time(rule.closes_at) is None:
        return False
    return weekdays_of(rule.byday) is not None


def _openings_around(rules: list[WeeklyRule], when: datetime, open_on_holidays: bool | None) -> list[Opening]:
    """Openings that could cover `when`: those starting on its day or the day before (past midnight)."""
    found = []
    for rule in rules:
        today = when.astimezone(zone_of(rule.timezone)).date()
        for day in (today - timedelta(days=1), today):
            opening = _opening(rule, day, open_on_holidays)
            if opening is not None:
                found.append(opening)
    return found


def _opening(rule: WeeklyRule, day: date, open_on_holidays: bool | None) -> Opening | None:
    """The rule's opening starting on `day`, if the rule applies that day."""
    weekdays = weekdays_of(rule.byday)
    if weekdays is None or day.weekday() not in weekdays:
        return None
    if (rule.valid_from and day < rule.valid_from) or (rule.valid_to and day > rule.valid_to):
        return None
    if not open_on_holidays and is_public_holiday(day):
        return None
    opens, closes = clock_time(rule.opens_at), clock_time(rule.closes_at)
    assert opens is not None and closes is not None  # usable_rule checked
    zone = zone_of(rule.timezone)
    start = datetime.combine(day, opens, zone)
    end_day = day if rule.closes_at != _MIDNIGHT and closes > opens else day + timedelta(days=1)
    end = datetime.combine(end_day, time(0) if rule.closes_at == _MIDNIGHT else closes, zone)
    return Opening(start, end)


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("opening hours need an aware datetime: a naive one could be any of several times")
    return when.astimezone(timezone.utc)


@lru_cache(maxsize=256)
def clock_time(text: str | None) -> time | None:
    if not text:
        return None
    if text == _MIDNIGHT:
        return time(0)
    match = _CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        return None
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


@lru_cache(maxsize=256)
def weekdays_of(byday: str | None) -> frozenset[int] | None:
    """Weekday numbers (Monday 0); None if a token is not a plain weekday (e.g. monthly "1MO")."""
    if not byday or not byday.strip():
        return frozenset(range(7))
    tokens = [token.strip().upper() for token in byday.split(",") if token.strip()]
    if any(token not in WEEKDAYS for token in tokens):
        return None
    return frozenset(WEEKDAYS.index(token) for token in tokens)


@lru_cache(maxsize=64)
def zone_of(name: str | None) -> ZoneInfo:
    if name and "/" in name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return OSLO


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=year))
