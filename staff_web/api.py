"""The JSON API: HSDS 3.0's `/services` and `/services/{id}`, and token-guarded writing.

Reading is open. `POST /import` (a list of services, an HSDS paginated list
or one service) and `PUT /services/{id}` (one service) need
`Authorization: Bearer <token>`; without a configured token writing is off.
Both go through the catalogue's own validated import: all or nothing, every
problem listed (422), upsert by id.
"""
from __future__ import annotations

import hmac
import json
from typing import Any

from aiohttp import web

from bot.privacy.redaction import redact
from services_catalog.hsds import ImportFailed, service_objects
from services_catalog.reports import Channel, Reason, TooManyReports
from services_catalog.lookup import StaffFilters
from services_catalog.opening_hours import now
from staff_web.catalogue import Lookup
from staff_web.config import CATALOGUE, LIMITS, TOKEN
from staff_web.errors import ApiError, dumps, invalid_records
from staff_web.params import Paging, read_filters

IMPORT_SOURCE = "request body"


async def list_services(request: web.Request) -> web.Response:
    _, paging, lookup = await search(request)
    return web.json_response(service_page(lookup, paging), dumps=dumps)


async def search(request: web.Request) -> tuple[StaffFilters, Paging, Lookup]:
    """The search the query string asks for, and the page of it; raises BadFilter (the page's too)."""
    most = request.app[LIMITS].max_results
    filters, paging = read_filters(request.rel_url.query, most)
    return filters, paging, await request.app[CATALOGUE].search(filters, paging.window(most), now())


def service_page(lookup: Lookup, paging: Paging) -> dict[str, Any]:
    """HSDS's paginated list, each service with a `match` object and the search's `fallback` and `kommune` beside."""
    total_pages = paging.pages(lookup.total)
    return {
        "total_items": lookup.total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(lookup.found),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": lookup.total == 0,
        "contents": [{**found.service, "match": found.match} for found in lookup.found],
        "fallback": lookup.fallback,
        "kommune": lookup.kommune,
    }


async def get_service(request: web.Request) -> web.Response:
    service = await request.app[CATALOGUE].service(request.match_info["id"])
    if service is None:
        raise ApiError(404, f"no service with id {request.match_info['id']!r}")
    return web.json_response(service, dumps=dumps)


async def import_services(request: web.Request) -> web.Response:
    check_token(request)
    document = await read_json(request, request.app[LIMITS].import_bytes)
    try:
        sourced = [(IMPORT_SOURCE, obj) for obj in service_objects(document, IMPORT_SOURCE)]
        report, created = await request.app[CATALOGUE].import_services(sourced)
    except ImportFailed as failure:
        raise invalid_records(failure.problems) from None
    return web.json_response({"imported": report.services, "created": len(created)}, dumps=dumps)


async def put_service(request: web.Request) -> web.Response:
    check_token(request)
    service_id = request.match_info["id"]
    record = await read_json(request, request.app[LIMITS].edit_bytes)
    if not isinstance(record, dict):
        raise ApiError(400, "the body must be one HSDS service object")
    if record.setdefault("id", service_id) != service_id:
        raise ApiError(400, f"the body's id {record['id']!r} is not the id in the path {service_id!r}")
    try:
        _, created = await request.app[CATALOGUE].import_services([(IMPORT_SOURCE, record)])
    except ImportFailed as failure:
        raise invalid_records(failure.problems) from None
    stored = await request.app[CATALOGUE].service(service_id)
    return web.json_response(stored, status=201 if created else 200, dumps=dumps)


async def post_report(request: web.Request) -> web.Response:
    """Anyone may say a record is wrong (no token): `{"reason": ..., "text": ...}`; 201 with the report's id."""
    body = await read_json(request, request.app[LIMITS].edit_bytes)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be an object with a reason")
    reason = read_reason(body.get("reason"))
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise ApiError(400, "text must be a string", [{"field": "text", "message": "must be a string"}])
    report_id = await file(request, reason, text)
    return web.json_response({"id": report_id}, status=201, dumps=dumps)


def read_reason(value: Any) -> Reason:
    try:
        return Reason(value)
    except ValueError:
        known = ", ".join(r.value for r in Reason)
        raise ApiError(400, f"reason must be one of {known}", [{"field": "reason", "message": f"one of {known}"}]) from None


async def file(request: web.Request, reason: Reason, text: str | None) -> int:
    """The report, its free text redacted like any message; 404 for an unknown service, 429 past the allowance."""
    service_id = request.match_info["id"]
    try:
        return await request.app[CATALOGUE].report(service_id, reason, redact(text) if text else None,
                                                   Channel.STAFF)
    except LookupError:
        raise ApiError(404, f"no service with id {service_id!r}") from None
    except TooManyReports:
        raise ApiError(429, "too many reports from this channel this hour; try again later",
                       headers={"Retry-After": "3600"}) from None


def check_token(request: web.Request) -> None:
    """401 without credentials, 403 with wrong ones or when writing is off; compared in constant time."""
    token = request.app[TOKEN]
    if not token:
        raise ApiError(403, "editing is turned off on this server (no VEIVISER_STAFF_TOKEN is set)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "send Authorization: Bearer <token> to change the catalogue",
                       headers={"WWW-Authenticate": 'Bearer realm="veiviser"'})
    # A header byte that is not UTF-8 reaches us as a lone surrogate (aiohttp decodes with surrogateescape).
    if not hmac.compare_digest(given.strip().encode("utf-8", "surrogateescape"), token.encode()):
        raise ApiError(403, "the token is not valid")


async def read_json(request: web.Request, max_bytes: int) -> Any:
    """The body as JSON, refused early when too large; never logged."""
    if request.content_type != "application/json":
        raise ApiError(415, f"send the records as application/json, not {request.content_type or 'nothing'}")
    too_large = ApiError(413, f"the body is larger than {max_bytes} bytes")
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    try:
        body = await request.clone(client_max_size=max_bytes).read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    if not body.strip():
        raise ApiError(400, "the body is empty")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise ApiError(400, f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:  # Python's parser recurses once per level; no catalogue nests more than a few
        raise ApiError(400, "the JSON is nested too deeply") from None
