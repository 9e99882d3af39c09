"""«Dette stemmer ikke»: reports that a record is wrong, kept apart from the catalogue.

The people who find a wrong record first are the ones who called a dead
number or walked to a closed door, so anyone may report one, in one step and
without saying who they are. A report keeps the record's id, a reason, the
channel and the time: no sender id, and free text only as the channel has
already redacted it.

Reports live in their own database (VEIVISER_REPORTS_URL): the catalogue is
rebuilt from its source files, and the reports must outlive a rebuild. They
never hide a service. Several recent reports that it has closed or its phone
is wrong put a caution on it until someone resolves them; a flood of reports
can do no more than that, and each channel may file only so many an hour.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import lru_cache
from typing import Iterable

from sqlalchemy import Column, DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from services_catalog.db import make_engine

REPORTS_URL_SETTING = "VEIVISER_REPORTS_URL"
DEFAULT_REPORTS_URL = "sqlite:///var/reports.sqlite"
MAX_TEXT_CHARS = 500


class Reason(str, Enum):
    WRONG_PHONE = "wrong-phone"
    WRONG_ADDRESS = "wrong-address"
    WRONG_HOURS = "wrong-hours"
    CLOSED = "closed"
    OTHER = "other"


class Channel(str, Enum):
    CHAT = "chat"
    SMS = "sms"
    STAFF = "staff"


class Outcome(str, Enum):
    """How a report was resolved; RECHECKED also moves the record's checked date."""

    RECHECKED = "rechecked"
    FIXED = "fixed"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class Rules:
    """The thresholds, in one place (docs/reports.md)."""

    caution_reports: int = 3  # open reports of a grave reason that put a caution on a service
    caution_days: int = 30  # counted over this many days
    grave: frozenset[Reason] = frozenset({Reason.CLOSED, Reason.WRONG_PHONE})
    per_channel_per_hour: int = 60  # more than this from one channel in an hour is refused


def rules_from_settings() -> Rules:
    """The thresholds, each overridable by a setting (docs/reports.md)."""
    defaults = Rules()
    return Rules(
        caution_reports=int(os.environ.get("VEIVISER_REPORTS_CAUTION", defaults.caution_reports)),
        caution_days=int(os.environ.get("VEIVISER_REPORTS_CAUTION_DAYS", defaults.caution_days)),
        per_channel_per_hour=int(os.environ.get("VEIVISER_REPORTS_PER_HOUR", defaults.per_channel_per_hour)),
    )


RULES = rules_from_settings()

Base = declarative_base()


class Report(Base):
    __tablename__ = "report"

    id = Column(Integer, primary_key=True)
    service_id = Column(String(36), nullable=False, index=True)
    reason = Column(String(16), nullable=False)
    channel = Column(String(8), nullable=False)
    text = Column(Text)
    created = Column(DateTime(timezone=True), nullable=False, index=True)
    resolved = Column(DateTime(timezone=True))
    outcome = Column(String(16))


class TooManyReports(Exception):
    """The channel's hourly allowance is used up; the caller says "try later" (HTTP 429)."""


def reports_url() -> str:
    return os.environ.get(REPORTS_URL_SETTING, DEFAULT_REPORTS_URL)


@lru_cache(maxsize=4)
def _factory(url: str) -> sessionmaker:
    engine = make_engine(url)
    Base.metadata.create_all(engine)  # one table of its own; nothing to migrate yet
    return sessionmaker(engine, future=True, expire_on_commit=False)


def open_reports_session(url: str | None = None) -> Session:
    return _factory(url or reports_url())()


def file_report(session: Session, service_id: str, reason: Reason, channel: Channel, text: str | None,
                now: datetime, rules: Rules = RULES) -> Report:
    """Keep one report; `text` must already be redacted by the channel."""
    now = _utc(now)
    since = now - timedelta(hours=1)
    recent = session.scalar(select(func.count()).select_from(Report)
                            .where(Report.channel == channel.value, Report.created >= since))
    if recent >= rules.per_channel_per_hour:
        raise TooManyReports(channel.value)
    report = Report(service_id=service_id, reason=Reason(reason).value, channel=channel.value,
                    text=(text or "").strip()[:MAX_TEXT_CHARS] or None, created=now)
    session.add(report)
    session.commit()
    return report


def open_counts(session: Session, service_ids: Iterable[str], now: datetime, days: int = RULES.caution_days,
                reasons: Iterable[Reason] | None = None) -> Counter[str]:
    """Open reports per service over the last `days` days (of these reasons, or of any)."""
    now = _utc(now)
    query = select(Report.service_id, func.count()).where(
        Report.service_id.in_(list(service_ids)), Report.resolved.is_(None),
        Report.created >= now - timedelta(days=days))
    if reasons is not None:
        query = query.where(Report.reason.in_([Reason(r).value for r in reasons]))
    return Counter(dict(session.execute(query.group_by(Report.service_id)).all()))


def cautioned(session: Session, service_ids: Iterable[str], now: datetime, rules: Rules = RULES) -> set[str]:
    """The services people should be warned about: enough recent, open, grave reports."""
    counts = open_counts(session, service_ids, now, rules.caution_days, rules.grave)
    return {service_id for service_id, count in counts.items() if count >= rules.caution_reports}


def newest(session: Session, include_resolved: bool = False) -> list[Report]:
    query = select(Report).order_by(Report.created.desc(), Report.id.desc())
    if not include_resolved:
        query = query.where(Report.resolved.is_(None))
    return list(session.scalars(query))


def resolve(session: Session, report_id: int, outcome: Outcome, now: datetime) -> Report:
    """Close a report; raises LookupError for an unknown or already closed one."""
    report = session.get(Report, report_id)
    if report is None or report.resolved is not None:
        raise LookupError(f"no open report {report_id}")
    report.resolved, report.outcome = _utc(now), Outcome(outcome).value
    session.commit()
    return report


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(moment: datetime) -> datetime:
    """Stored and compared in UTC: SQLite keeps no zone, so every writer must agree on one."""
    if moment.utcoffset() is None:
        raise ValueError("report times must be aware datetimes")
    return moment.astimezone(timezone.utc)
