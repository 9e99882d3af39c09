"""Which service types answer which need: the dialogue's view of the taxonomy."""
from __future__ import annotations

from services_catalog.taxonomy import ServiceType as T

GENERAL_NEED = "seek_help_self"

NEEDS: dict[str, tuple[T, ...]] = {
    "seek_help_self": (T.KOMMUNAL_RUSTJENESTE, T.LAVTERSKEL_HELSE, T.TSB_POLIKLINIKK),
    "seek_help_relative": (T.PARORENDE, T.KOMMUNAL_RUSTJENESTE),
    "ask_substitution": (T.LAVTERSKEL_SUBSTITUSJON, T.LAR),
    "ask_low_threshold_health": (T.LAVTERSKEL_HELSE, T.SKADEREDUKSJON),
    "ask_detox": (T.AVRUSNING,),
    "ask_treatment_choice": (T.TSB_DOGN, T.TSB_POLIKLINIKK, T.AVRUSNING),
    "ask_housing": (T.BOLIG, T.VARESTED),
}

# Opioid use changes the answer: substitution treatment comes first.
OPIOIDS = {"opioider", "heroin", "metadon", "buprenorfin"}


def need_for(intent: str | None, substance: str | None, previous: str | None) -> str:
    """The need to search for: this turn's intent, else the one already given."""
    if intent in NEEDS:
        return intent
    if intent == "inform_substance" and substance and substance.lower() in OPIOIDS:
        return "ask_substitution"
    return previous or GENERAL_NEED
