"""Veiviser's HSDS profile (docs/hsds-profile/): merged into the HSDS 3.0 schemas as Open Referral's
profiles mechanism says (RFC 7386 JSON Merge Patch), it validates Veiviser's own export, and the
core schemas do too. A plain HSDS record (no source, no type) is valid core HSDS but not the profile.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from services_catalog.db import session_factory
from services_catalog.hsds_export import all_services, service_to_hsds
from veiviser.supervisor import ROOT

CORE = Path(__file__).parent / "hsds3" / "schema"
PROFILE = ROOT / "docs" / "hsds-profile" / "profile"
FEEDS = Path(__file__).parent / "feeds"


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


def test_every_profile_file_changes_an_hsds_schema_and_stays_a_valid_schema():
    assert sorted(p.name for p in PROFILE.glob("*.json")), "the profile has no files"
    for patch in PROFILE.glob("*.json"):
        assert (CORE / patch.name).exists(), f"{patch.name} is not an HSDS schema file"
        jsonschema.Draft202012Validator.check_schema(schemas(True)[patch.name])


@pytest.mark.parametrize("profiled", [False, True], ids=["core", "profile"])
def test_veivisers_export_meets_the_core_schemas_and_the_profile(catalogue_url, profiled):
    check = validator(profiled=profiled)
    with session_factory(catalogue_url)() as session:
        exported = [service_to_hsds(service) for service in all_services(session)]
    assert len(exported) > 200
    for service in exported:
        errors = sorted(check.iter_errors(service), key=lambda e: list(e.path))
        assert not errors, (service["name"], [f"{list(e.path)}: {e.message[:200]}" for e in errors[:3]])


def test_a_plain_hsds_record_is_core_hsds_but_not_the_profile():
    """What a feed brings unsourced and untyped: stored and shown to staff, but not what the chat may show."""
    plain = json.loads((FEEDS / "service.json").read_text(encoding="utf-8"))
    assert not list(validator(profiled=False).iter_errors(plain))
    reasons = {error.message for error in validator(profiled=True).iter_errors(plain)}
    assert any("x_sources" in reason for reason in reasons), reasons
    assert any("contain" in reason for reason in reasons), reasons  # no veiviser-tjenestetype attribute


def test_the_profile_reaches_into_nested_objects(catalogue_url):
    """A phone without its page, or an area in words, fails the profile though it is fine core HSDS."""
    with session_factory(catalogue_url)() as session:
        service = next(service_to_hsds(s) for s in all_services(session) if s.phones)
    del service["phones"][0]["x_source_url"]
    service["service_areas"][0]["uri"] = "Bergen"
    assert not list(validator(profiled=False).iter_errors(service))
    assert {tuple(e.path)[:2] for e in validator(profiled=True).iter_errors(service)} == {("phones", 0), ("service_areas", 0)}
