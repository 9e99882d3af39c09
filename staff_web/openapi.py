"""The OpenAPI 3.1 document of the JSON API, built from the same parameter table the code reads."""
from __future__ import annotations

from typing import Any

from services_catalog.reports import MAX_TEXT_CHARS, Reason
from staff_web.params import PARAMETERS

HSDS_SERVICE = "https://docs.openreferral.org/en/3.0/hsds/schema_reference.html#service"


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _service_body(description: str) -> dict[str, Any]:
    return {"required": True, "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Service"}}}}


WRITE_ERRORS = {
    "400": _error("Malformed JSON, an empty body, or ids that disagree."),
    "401": _error("No bearer token was sent."),
    "403": _error("The token is wrong, or writing is turned off on this server."),
    "413": _error("The body is too large."),
    "415": _error("The body is not application/json."),
    "422": _error("Records with problems; nothing was changed. Each problem names record and field."),
    "429": _error("Too many requests; see Retry-After."),
}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Veiviser staff lookup",
            "version": "1.0.0",
            "summary": "Services for people who use drugs and their relatives in Norway, as HSDS 3.0.",
            "description": (
                "Follows the HSDS 3.0 API where it fits (`/services`, `/services/{id}`, paginated lists). "
                "Reading is open; changing the catalogue needs `Authorization: Bearer <token>`. "
                "Every record carries its source (attribute `source`) and `assured_date` (last verified)."
            ),
            "license": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
        },
        "paths": {
            "/services": {"get": {
                "operationId": "getPaginatedListOfServices",
                "summary": "Services that fit, local first and nearest first (or shortest wait first).",
                "parameters": [_parameter(p) for p in PARAMETERS],
                "responses": {
                    "200": {"description": "One page of the search's results (at most the server's max_results in all).",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServicePage"}}}},
                    "400": _error("A parameter is wrong: `problems` names it, says why and may suggest a place."),
                    "414": _error("The URL is too long."),
                    "429": _error("Too many requests; see Retry-After."),
                },
            }},
            "/services/{id}": {
                "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getFullyNestedServiceById",
                    "summary": "One service with all related data, as the HSDS export writes it.",
                    "responses": {
                        "200": {"description": "The service.",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Service"}}}},
                        "404": _error("No service has this id."),
                        "429": _error("Too many requests; see Retry-After."),
                    },
                },
                "put": {
                    "operationId": "putService",
                    "summary": "Create or replace one service, validated like an import.",
                    "security": [{"bearer": []}],
                    "requestBody": _service_body("One HSDS 3.0 service; its id, if given, must be the path's."),
                    "responses": {
                        "200": {"description": "Replaced; the stored service.",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Service"}}}},
                        "201": {"description": "Created; the stored service.",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Service"}}}},
                        **WRITE_ERRORS,
                    },
                },
            },
            "/services/{id}/reports": {
                "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
                "post": {
                    "operationId": "reportService",
                    "summary": "Say that a record is wrong (no token; nothing about the reporter is stored).",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["reason"],
                        "properties": {"reason": {"type": "string", "enum": [r.value for r in Reason]},
                                       "text": {"type": "string", "maxLength": MAX_TEXT_CHARS,
                                                "description": "optional; redacted before it is stored"}}}}}},
                    "responses": {
                        "201": {"description": "Stored.", "content": {"application/json": {"schema": {
                            "type": "object", "properties": {"id": {"type": "integer"}}}}}},
                        "400": _error("No reason, or one that is not known."),
                        "404": _error("No service has this id."),
                        "429": _error("Too many reports from this channel this hour; see Retry-After."),
                    },
                },
            },
            "/report/{id}": {
                "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
                "get": {"operationId": "getReportForm", "summary": "The «Meld feil» form for one service (HTML).",
                        "responses": {"200": {"description": "HTML"}, "404": {"description": "No service has this id."}}},
                "post": {"operationId": "postReportForm", "summary": "The form sent: the report stored (HTML).",
                         "responses": {"200": {"description": "HTML, a thank-you"},
                                       "400": {"description": "HTML, the form again: no reason chosen"},
                                       "429": {"description": "HTML: too many reports this hour"}}},
            },
            "/import": {"post": {
                "operationId": "importServices",
                "summary": "Import HSDS services all or nothing, upserting by id.",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "description": "Any HSDS 3.0 shape: a service, a list or paginated list ({\"contents\": [...]}) "
                                   "of them, {\"services\": [...]}, an organization with its services, or "
                                   "service_at_locations. Records without x_sources are stored unverified.",
                    "oneOf": [{"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
                              {"type": "object"}]}}}},
                "responses": {
                    "200": {"description": "Imported.", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"imported": {"type": "integer"}, "created": {"type": "integer"}}}}}},
                    **WRITE_ERRORS,
                },
            }},
            "/openapi.json": {"get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
            "/coverage": {"get": {
                "operationId": "getCoveragePage",
                "summary": "Per service type and kommune: what is within reach (a table and one type's map).",
                "parameters": [{"name": "type", "in": "query", "required": False, "schema": {"type": "string"},
                                "description": "the service type whose map is drawn (default avrusning)"}],
                "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
                              "400": {"description": "an unknown service type"}},
            }},
            "/coverage.json": {"get": {
                "operationId": "getCoverage",
                "summary": "The coverage report as JSON: per type the kommuner (and approximate population share) "
                           "with a local, nearby, national-only or no service with a phone; per kommune its level.",
                "responses": {"200": {"description": "the report", "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
            "/": {"get": {
                "operationId": "getLookupPage",
                "summary": "The staff page: a form and a printable list; takes the query parameters of /services.",
                "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
                              "400": {"description": "HTML page naming the mistake",
                                      "content": {"text/html": {"schema": {"type": "string"}}}}},
            }},
            "/note": {"get": {
                "operationId": "getJournalNote",
                "summary": "The staff page's list as plain text, to paste into a journal note; the query parameters of /.",
                "responses": {"200": {"description": "Plain text", "content": {"text/plain": {"schema": {"type": "string"}}}},
                              "400": {"description": "Plain text naming the mistake",
                                      "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Service": {
                    "type": "object",
                    "required": ["id", "name", "status"],
                    "description": "An HSDS 3.0 service, fully nested.",
                    "externalDocs": {"url": HSDS_SERVICE},
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "status": {"type": "string"},
                                   "assured_date": {"type": "string", "format": "date"}},
                },
                "Match": {
                    "type": "object",
                    "description": "How a listed service relates to the search (a Veiviser extension).",
                    "properties": {
                        "distance_km": {"type": ["number", "null"]},
                        "approximate": {"type": "boolean", "description": "Measured to the kommune's centre."},
                        "local": {"type": "boolean"},
                        "national": {"type": "boolean"},
                        "kommune": {"type": ["string", "null"]},
                        "open_now": {"type": ["boolean", "null"], "description": "null: hours unknown."},
                        "opening": {"type": ["object", "null"], "description": "The current or next opening.",
                                    "properties": {"start": {"type": "string", "format": "date-time"},
                                                   "end": {"type": "string", "format": "date-time"}}},
                        "unverified": {"type": "boolean",
                                       "description": "No source page yet: never shown in the chat (docs/hsds-profile)."},
                        "untyped": {"type": "boolean",
                                    "description": "No Veiviser service type yet: never shown in the chat."},
                    },
                },
                "ServicePage": {
                    "type": "object",
                    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page",
                                 "empty", "contents"],
                    "properties": {
                        "total_items": {"type": "integer"},
                        "total_pages": {"type": "integer"},
                        "page_number": {"type": "integer"},
                        "size": {"type": "integer"},
                        "first_page": {"type": "boolean"},
                        "last_page": {"type": "boolean"},
                        "empty": {"type": "boolean"},
                        "contents": {"type": "array", "items": {"allOf": [
                            {"$ref": "#/components/schemas/Service"},
                            {"type": "object", "properties": {"match": {"$ref": "#/components/schemas/Match"}}}]}},
                        "fallback": {"type": "boolean", "description": "Nothing local fits: nearest and national ones."},
                        "kommune": {"type": ["string", "null"], "description": "The kommune searched in."},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "problems"],
                    "properties": {"error": {"type": "string"}, "problems": {"type": "array", "items": {"type": "object"}}},
                },
            },
        },
    }


def _parameter(parameter: Any) -> dict[str, Any]:
    schema = {"type": "array", "items": parameter.schema} if parameter.repeatable else parameter.schema
    described = {"name": parameter.name, "in": "query", "required": False,
                 "description": parameter.description, "schema": schema}
    return {**described, "explode": True} if parameter.repeatable else described
