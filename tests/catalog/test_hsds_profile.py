"""Veiviser's HSDS profile (docs/hsds-profile/): merged into the HSDS 3.0 schemas as Open Referral's
profiles mechanism says (RFC 7386 JSON Merge Patch), it validates Veiviser's own export, and the
core schemas do too. A plain HSDS record (no source, no type) is valid core HSDS but not the profile.
"""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from services_catalog.db import session_factory
from services_catalog.hsds_export import all_services, service_to_hsds
from tests.support.hsds import CORE, PROFILE, schemas, validator

FEEDS = Path(__file__).parent / "feeds"


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
