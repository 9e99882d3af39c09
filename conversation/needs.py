"""Which service types answer which need: the dialogue's view of the taxonomy."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from conversation.cues import ADULT_AGE
from services_catalog.opening_hours import Asked, asked_moment
from services_catalog.search import Query
from services_catalog.taxonomy import Property, column_name
from services_catalog.taxonomy import ServiceType as T

GENERAL_NEED = "seek_help_self"
# How every screening slot records "vil ikke si" (the domain's slot mappings use the same word).
UNSAID = "unsaid"

NEEDS: dict[str, tuple[T, ...]] = {
    "seek_help_self": (T.KOMMUNAL_RUSTJENESTE, T.LAVTERSKEL_HELSE, T.TSB_POLIKLINIKK),
    "seek_help_relative": (T.PARORENDE, T.KOMMUNAL_RUSTJENESTE),
    "ask_substitution": (T.LAVTERSKEL_SUBSTITUSJON, T.LAR),
    "ask_low_threshold_health": (T.LAVTERSKEL_HELSE, T.SKADEREDUKSJON),
    "ask_detox": (T.AVRUSNING,),
    "ask_treatment_choice": (T.TSB_DOGN, T.TSB_POLIKLINIKK, T.AVRUSNING),
    "ask_housing": (T.BOLIG, T.VARESTED),
}

# Needs that say little about what kind of help fits: a more specific need replaces them,
# and opioid use adds substitution treatment to them.
GENERAL_NEEDS = frozenset({"seek_help_self", "seek_help_relative"})

def open_door_first(need: str) -> bool:
    """Help in general: what one can use today without a referral first. Who asked for treatment
    (detox, a treatment place) wants that, referral or not."""
    return need in GENERAL_NEEDS


# Opioid use changes the answer: substitution treatment comes first.
OPIOIDS = {"opioider", "heroin", "metadon", "buprenorfin"}


def uses_opioids(substance: str | None) -> bool:
    return bool(substance) and substance.lower() in OPIOIDS


def types_for(need: str, substance: str | None, for_whom: str | None, young: bool = False) -> frozenset[T]:
    """Service types to search: the need's, plus substitution for opioids, support for
    relatives and services for the young."""
    types = set(NEEDS.get(need, NEEDS[GENERAL_NEED]))
    if need in GENERAL_NEEDS and uses_opioids(substance):
        types |= set(NEEDS["ask_substitution"])
    if for_whom == "relative":
        types.add(T.PARORENDE)
    if young:
        types.add(T.BARN_UNGE)
    return frozenset(types)


# What a screening priority asks of a service; the times (opening_hours.Asked) and youth are read
# by clock and age instead.
PRIORITY_PROPERTIES: dict[str, Property] = {
    "drop_in": Property.DROP_IN,
    "anonymous": Property.ANONYMOUS,
    "drug_free": Property.SOBRIETY_REQUIRED,
    "lar_friendly": Property.ACCEPTS_LAR,
}
# "Under 18" without an age: search as for the oldest who still counts as young.
YOUTH_AGE = ADULT_AGE - 1


def wanted_properties(priorities: Iterable[str]) -> list[Property]:
    return [PRIORITY_PROPERTIES[p] for p in priorities if p in PRIORITY_PROPERTIES]


def priority_filters(priorities: Iterable[str], age: float | None, when: datetime) -> dict[str, Any]:
    """Search filters (services_catalog.search.Query fields) for what the user said matters."""
    priorities = list(priorities)
    filters: dict[str, Any] = {column_name(p): True for p in wanted_properties(priorities)}
    asked = asked_time(priorities)
    if asked is not None:
        filters["open_at"] = asked_moment(asked, when)
    if age is not None or "youth" in priorities:
        filters["age"] = int(age) if age is not None else YOUTH_AGE
    return filters


# When a message names more than one time, the most pressing: "nå" before a bed for the night
# ("where can I sleep tonight" says both), and that before the evening.
ASKED_FIRST = (Asked.NOW, Asked.OVERNIGHT, Asked.TONIGHT)


def asked_time(priorities: Iterable[str]) -> Asked | None:
    """When the person wants a place to be open, if they said."""
    said = set(priorities)
    return next((asked for asked in ASKED_FIRST if asked.value in said), None)


@dataclass(frozen=True)
class Wishes:
    """What the screening gathered that shapes a search, as the slots hold it (priorities without "unsaid")."""

    need: str = GENERAL_NEED
    substance: str | None = None
    for_whom: str | None = None
    priorities: tuple[str, ...] = ()
    age: float | None = None

    def query(self, when: datetime, limit: int) -> Query:
        """The search for these wishes, anywhere; the caller adds the place."""
        filters = priority_filters(self.priorities, self.age, when)
        young = filters.get("age") is not None and filters["age"] < ADULT_AGE
        types = types_for(self.need, self.substance, self.for_whom, young)
        return Query(types=types, limit=limit, open_door_first=open_door_first(self.need), **filters)
