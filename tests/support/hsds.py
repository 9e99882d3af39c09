"""HSDS 3.0 for the tests: the schemas (tests/catalog/hsds3/, see its SOURCE), Veiviser's profile merged
into them, and one complete hand-written record with every field the product reads."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from veiviser.supervisor import ROOT

HSDS3 = Path(__file__).parents[1] / "catalog" / "hsds3"
CORE = HSDS3 / "schema"
PROFILE = ROOT / "docs" / "hsds-profile" / "profile"

SCHEMA = json.loads((HSDS3 / "service_with_definitions.json").read_text())

# Every field the product reads, in a record written by hand the way another HSDS tool would.
COMPLETE = {
    "id": "eksempel-1",
    "name": "Eksempeltjeneste for test",
    "alternate_name": "Eksempel",
    "description": "Lavterskel helsetilbud, laget for testen.",
    "url": "https://example.org/eksempel",
    "status": "active",
    "application_process": "Kom innom, ingen timeavtale.",
    "fees_description": "Gratis",
    "x_translations": {"en": {"description": "Low-threshold health care, made for the test.",
                              "application_process": "Drop in, no appointment."}},
    "eligibility_description": "Alle over 16",
    "minimum_age": 16,
    "maximum_age": 30,
    "assured_date": "2026-11-01",
    "organization": {"id": "eksempel-org", "name": "Eksempelorganisasjon", "description": "Test"},
    "phones": [{"id": "eksempel-tlf", "number": "08588", "type": "voice", "description": "RUSinfo, brukt som ekte nummer",
                "x_source_url": "https://example.org/eksempel"}],
    "schedules": [
        {"id": "eksempel-hverdag", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "18:00", "closes_at": "02:00",
         "timezone": 1, "valid_from": "2026-01-01", "valid_to": "2026-12-31", "x_source_url": "https://example.org/tider"},
        {"id": "eksempel-helg", "freq": "WEEKLY", "byday": "SA,SU", "opens_at": "12:00", "closes_at": "16:00",
         "description": "Helgeåpent", "x_translations": {"en": {"description": "Open at weekends"}},
         "x_source_url": "https://example.org/tider"},
    ],
    "x_sources": [
        {"id": "eksempel-kilde", "url": "https://example.org/eksempel", "page_date": "2026-10-01", "checked": "2026-11-01"},
        {"id": "eksempel-tider", "url": "https://example.org/tider", "page_date": "undated", "checked": "2026-11-01",
         "note": "Sommertider på samme side"},
    ],
    "service_areas": [
        {"id": "eksempel-k", "name": "Bergen", "extent_type": "text", "uri": "urn:ssb:kommune:4601"},
        {"id": "eksempel-f", "name": "Vestland", "extent_type": "text", "uri": "urn:ssb:fylke:46"},
        {"id": "eksempel-n", "name": "Norge", "extent_type": "text", "uri": "urn:iso:country:NO"},
    ],
    "languages": [{"id": "eksempel-nb", "name": "Norsk", "code": "nb"}, {"id": "eksempel-se", "name": "Sámegiella", "code": "se"}],
    "service_at_locations": [{"id": "eksempel-sal", "location": {
        "id": "eksempel-sted", "location_type": "physical", "name": "Eksempelstedet",
        "latitude": 60.3913, "longitude": 5.3221, "x_point_precision": "address",
        "x_source_url": "https://example.org/eksempel",
        "addresses": [{"id": "x", "address_1": "Eksempelgata 1", "city": "Bergen", "postal_code": "5003",
                       "country": "NO", "address_type": "physical", "state_province": "Vestland"}],
    }}],
    "attributes": [
        {"id": "eksempel-type", "taxonomy_term": {"id": "t1", "code": "lavterskel-helse", "name": "Lavterskel helse",
                                                  "description": "Lavterskel helsetilbud",
                                                  "taxonomy": "veiviser-tjenestetype"}},
        *[{"id": f"eksempel-{code}", "value": value,
           "taxonomy_term": {"id": f"t-{code}", "code": code, "name": code, "description": code,
                             "taxonomy": "veiviser-egenskap"}}
          for code, value in [("drop-in", "true"), ("referral-required", "false"), ("anonymous", "true"),
                              ("free", "true"), ("sobriety-required", "false"), ("accepts-lar", "true"),
                              ("for-relatives", "false"), ("right-to-choose", "false"), ("open-on-holidays", "true"),
                              ("wait-weeks", "2"), ("wait-measured", "2026-10-15"),
                              ("wait-source", "https://example.org/tider"),
                              ("source", "Skrevet for testen; ikke en ekte tjeneste")]],
    ],
}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@lru_cache(maxsize=2)
def schemas(profiled: bool) -> dict[str, dict[str, Any]]:
    """Every HSDS object schema by file name, with the profile's changes merged in when `profiled`."""
    found = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in CORE.glob("*.json")}
    if profiled:
        for patch in PROFILE.glob("*.json"):
            found[patch.name] = merge_patch(found[patch.name], json.loads(patch.read_text(encoding="utf-8")))
    return found


def validator(name: str = "service.json", profiled: bool = False) -> jsonschema.Draft202012Validator:
    """A validator for one HSDS object schema (core, or with the profile), its $refs to the others resolved."""
    store = {f"https://veiviser.invalid/schema/{file}": schema for file, schema in schemas(profiled).items()}
    schema = schemas(profiled)[name]
    resolver = jsonschema.RefResolver(f"https://veiviser.invalid/schema/{name}", schema, store=store)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)
