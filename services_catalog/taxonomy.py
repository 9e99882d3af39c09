"""The project's service-type codes and the properties people choose by.

This is the only place these codes are defined: the importer, the search,
the dialogue and the staff tools all read them from here.
"""
from __future__ import annotations

from enum import Enum

SERVICE_TYPE_TAXONOMY = "veiviser-tjenestetype"
PROPERTY_TAXONOMY = "veiviser-egenskap"


class ServiceType(str, Enum):
    """Service types from DOMAIN.md; the value is the HSDS taxonomy-term code."""

    AKUTT = "akutt"
    LAVTERSKEL_HELSE = "lavterskel-helse"
    SKADEREDUKSJON = "skadereduksjon"
    LAVTERSKEL_SUBSTITUSJON = "lavterskel-substitusjon"
    LAR = "lar"
    AVRUSNING = "avrusning"
    TSB_POLIKLINIKK = "tsb-poliklinikk"
    TSB_DOGN = "tsb-dogn"
    KOMMUNAL_RUSTJENESTE = "kommunal-rustjeneste"
    BOLIG = "bolig"
    VARESTED = "varested"
    PARORENDE = "parorende"
    BARN_UNGE = "barn-unge"
    BRUKERORGANISASJON = "brukerorganisasjon"
    SELVHJELP = "selvhjelp"
    ETTERVERN = "ettervern"
    HJELPETELEFON = "hjelpetelefon"

    def label(self, language: str) -> str:
        """The name people see, in bokmål, nynorsk or English (any other language gets bokmål)."""
        return _LABELS[self][_LANGUAGES.get(language, 0)]

    @property
    def label_nb(self) -> str:
        return self.label("nb")

    @property
    def label_en(self) -> str:
        return self.label("en")


# The labels' columns: bokmål, nynorsk, English.
_LANGUAGES = {"nb": 0, "nn": 1, "en": 2}
_LABELS: dict[ServiceType, tuple[str, str, str]] = {
    ServiceType.AKUTT: ("Akutt hjelp", "Akutt hjelp", "Emergency help"),
    ServiceType.LAVTERSKEL_HELSE: ("Lavterskel helsetilbud", "Lågterskel helsetilbod", "Low-threshold health care"),
    ServiceType.SKADEREDUKSJON: ("Skadereduksjon", "Skadereduksjon", "Harm reduction"),
    ServiceType.LAVTERSKEL_SUBSTITUSJON: (
        "Lavterskel substitusjonsbehandling",
        "Lågterskel substitusjonsbehandling",
        "Low-threshold opioid substitution",
    ),
    ServiceType.LAR: ("LAR (legemiddelassistert rehabilitering)", "LAR (legemiddelassistert rehabilitering)", "Opioid substitution treatment (LAR)"),
    ServiceType.AVRUSNING: ("Avrusning", "Avrusing", "Detox"),
    ServiceType.TSB_POLIKLINIKK: ("Ruspoliklinikk", "Ruspoliklinikk", "Outpatient addiction treatment"),
    ServiceType.TSB_DOGN: ("Døgnbehandling", "Døgnbehandling", "Residential treatment"),
    ServiceType.KOMMUNAL_RUSTJENESTE: ("Kommunens rustjeneste", "Rustenesta i kommunen", "Municipal substance-use service"),
    ServiceType.BOLIG: ("Bolig og natthjem", "Bustad og natthjem", "Housing and night shelter"),
    ServiceType.VARESTED: ("Værested", "Værestad", "Drop-in centre"),
    ServiceType.PARORENDE: ("Tilbud til pårørende", "Tilbod til pårørande", "Support for relatives"),
    ServiceType.BARN_UNGE: ("Tilbud til barn og unge", "Tilbod til barn og unge", "Children and young people"),
    ServiceType.BRUKERORGANISASJON: ("Brukerorganisasjon", "Brukarorganisasjon", "User organisation"),
    ServiceType.SELVHJELP: ("Selvhjelpsgruppe", "Sjølvhjelpsgruppe", "Self-help group"),
    ServiceType.ETTERVERN: ("Ettervern og oppfølging", "Ettervern og oppfølging", "Aftercare"),
    ServiceType.HJELPETELEFON: ("Hjelpetelefon", "Hjelpetelefon", "Helpline"),
}


class Property(str, Enum):
    """Extension fields, carried in HSDS as attributes of taxonomy PROPERTY_TAXONOMY."""

    DROP_IN = "drop-in"
    REFERRAL_REQUIRED = "referral-required"
    ANONYMOUS = "anonymous"
    FREE = "free"
    SOBRIETY_REQUIRED = "sobriety-required"
    ACCEPTS_LAR = "accepts-lar"
    FOR_RELATIVES = "for-relatives"
    RIGHT_TO_CHOOSE = "right-to-choose"
    OPEN_ON_HOLIDAYS = "open-on-holidays"
    WAIT_WEEKS = "wait-weeks"
    WAIT_MEASURED = "wait-measured"
    WAIT_SOURCE = "wait-source"  # the URL of the page that publishes the waiting time
    SOURCE = "source"  # a reviewer's note on the sourcing


    def label(self, language: str) -> str:
        """How a card says it, in bokmål, nynorsk or English; a property without words is its code."""
        return _PROPERTY_LABELS[self][_LANGUAGES.get(language, 0)] if self in _PROPERTY_LABELS else self.value

    @property
    def label_nb(self) -> str:
        return self.label("nb")

    @property
    def label_en(self) -> str:
        return self.label("en")


_PROPERTY_LABELS: dict[Property, tuple[str, str, str]] = {
    Property.DROP_IN: ("uten timeavtale", "utan timeavtale", "no appointment needed"),
    Property.REFERRAL_REQUIRED: ("krever henvisning", "krev tilvising", "referral needed"),
    Property.ANONYMOUS: ("anonymt", "anonymt", "anonymous"),
    Property.FREE: ("gratis", "gratis", "free"),
    Property.SOBRIETY_REQUIRED: ("rusfritt", "rusfritt", "drug-free"),
    Property.ACCEPTS_LAR: ("tar imot LAR-pasienter", "tek imot LAR-pasientar", "accepts LAR patients"),
    Property.FOR_RELATIVES: ("for pårørende", "for pårørande", "for relatives"),
    Property.RIGHT_TO_CHOOSE: ("kan velges som behandlingssted", "kan veljast som behandlingsstad", "can be chosen for treatment"),
}


BOOLEAN_PROPERTIES = (
    Property.DROP_IN,
    Property.REFERRAL_REQUIRED,
    Property.ANONYMOUS,
    Property.FREE,
    Property.SOBRIETY_REQUIRED,
    Property.ACCEPTS_LAR,
    Property.FOR_RELATIVES,
    Property.RIGHT_TO_CHOOSE,
    Property.OPEN_ON_HOLIDAYS,
)


def column_name(prop: Property) -> str:
    """The model column that stores a property (`drop-in` -> `drop_in`)."""
    return prop.value.replace("-", "_")
