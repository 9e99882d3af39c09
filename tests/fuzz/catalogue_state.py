"""What a catalogue holds, in a form two moments can be compared by: row counts and a checksum of its export."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection

from sqlalchemy import func, select

from services_catalog.db import make_engine, session_factory
from services_catalog.hsds_export import service_to_hsds
from services_catalog.models import Base, Service


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {table.name: connection.scalar(select(func.count()).select_from(table))
                    for table in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def service_ids(url: str) -> frozenset[str]:
    with session_factory(url)() as session:
        return frozenset(session.scalars(select(Service.id)))


def export_checksum(url: str, ids: Collection[str]) -> str:
    """SHA-256 of the HSDS export of the services with these ids (those a fuzz run must leave alone).

    A service that is gone is exported as null, so losing one changes the sum too.
    """
    with session_factory(url)() as session:
        services = [(i, service_to_hsds(s) if (s := session.get(Service, i)) else None) for i in sorted(ids)]
    return hashlib.sha256(json.dumps(services, sort_keys=True, default=str).encode()).hexdigest()
