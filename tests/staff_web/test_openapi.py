"""The OpenAPI document is valid, and it and the app's routes describe the same API."""
from __future__ import annotations

import pytest
from openapi_spec_validator import validate_spec

from tests.staff_web.conftest import fresh_reports
from staff_web.app import make_app
from staff_web.params import PARAMETERS

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
async def served_document(reader) -> dict:
    response = await reader.get("/openapi.json")
    assert response.status == 200
    return await response.json()


async def test_the_served_document_is_valid_openapi(served_document):
    validate_spec(served_document)


def test_the_validator_can_fail():
    with pytest.raises(Exception):
        validate_spec({"openapi": "3.1.0", "info": {"title": "x"}, "paths": {"/a": {"get": {"responses": 5}}}})


async def test_routes_and_document_agree(served_document, catalogue_url):
    app = make_app(catalogue_url, reports_url=fresh_reports())
    routes = {
        (route.resource.canonical, route.method.lower())
        for route in app.router.routes()
        if route.method.lower() in METHODS and not route.resource.canonical.startswith("/static")
    }
    documented = {(path, method) for path, item in served_document["paths"].items() for method in item if method in METHODS}
    assert routes == documented
    await app.cleanup()


async def test_every_documented_parameter_is_read_by_the_api(reader, served_document):
    """A sample value of each documented query parameter is accepted (never 'unknown parameter')."""
    samples = {"string": "Bergen", "number": "5", "integer": "2", "boolean": "true", "array": "lar"}
    documented = served_document["paths"]["/services"]["get"]["parameters"]
    assert [p["name"] for p in documented] == [p.name for p in PARAMETERS]
    for parameter in documented:
        schema = parameter["schema"]
        value = (schema.get("items", schema).get("enum") or [samples[schema["type"]]])[0]
        response = await reader.get("/services", params={parameter["name"]: value})
        body = await response.json()
        assert "unknown parameter" not in body.get("error", ""), parameter["name"]
