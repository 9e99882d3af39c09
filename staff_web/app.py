"""The staff quick lookup on the web: `make_app(...)` and `python -m staff_web` (127.0.0.1:8001).

Routes: `/` the page, `/coverage` (and `/coverage.json`) the catalogue's gaps per
kommune, `/services` and `/services/{id}` (HSDS 3.0 JSON),
`/openapi.json`, `POST /import` and `PUT /services/{id}` (token). Every
request is rate-limited per client address; URLs and bodies have size
limits. The access log names method, path and status, never query text or
bodies, since staff type where a person lives.
"""
from __future__ import annotations

import argparse
import logging
import os

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from services_catalog.db import catalogue_url
from veiviser import security_headers
from staff_web import api, openapi
from staff_web.catalogue import Catalogue
from staff_web.config import BUCKETS, CATALOGUE, KIB, LIMITS, TOKEN, Limits
from staff_web.errors import ApiError, Handler, dumps, json_errors
from staff_web.page import HERE, NOTE_PATH, coverage_json, coverage_page, journal_note, lookup_page, report_page
from staff_web.rate_limit import RateLimit, TokenBuckets

TOKEN_SETTING = "VEIVISER_STAFF_TOKEN"
DEFAULT_PORT = 8001


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Method, path, status and time: no query string (it may hold a postcode or place), no client address."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, elapsed: float) -> None:
        self.logger.info("%s %s %s %.0f ms", request.method, request.path, response.status, elapsed * 1000)


# Set on the Application, so every server of it (run_app, the tests' TestServer) gets them. The HTTP
# parser lets a too-long URL through to the app, which answers a clear 414 rather than a bare parser
# error; only beyond max_line_size does the parser itself refuse (400).
SERVER_SETTINGS = {"max_line_size": 256 * KIB, "max_field_size": 16 * KIB, "access_log_class": PathOnlyAccessLogger}


def make_app(catalogue_url: str, token: str | None = None, limits: Limits | None = None, workers: int = 4,
             reports_url: str | None = None) -> web.Application:
    """`token` None or empty turns writing off; `limits` default to Limits(); reports go to `reports_url`
    (default $VEIVISER_REPORTS_URL or var/reports.sqlite)."""
    limits = limits or Limits()
    app = web.Application(client_max_size=limits.edit_bytes, middlewares=[json_errors, _within_limits],
                          handler_args=SERVER_SETTINGS)
    security_headers.install(app, security_headers.content_security_policy())
    app[CATALOGUE] = Catalogue(catalogue_url, workers, reports_url)
    app[LIMITS] = limits
    app[TOKEN] = token or ""
    app[BUCKETS] = TokenBuckets(limits.rate)
    app.router.add_get("/", lookup_page)
    app.router.add_get(NOTE_PATH, journal_note)
    app.router.add_get("/coverage", coverage_page)
    app.router.add_get("/coverage.json", coverage_json)
    app.router.add_get("/services", api.list_services)
    app.router.add_get("/services/{id}", api.get_service)
    app.router.add_put("/services/{id}", api.put_service)
    app.router.add_post("/services/{id}/reports", api.post_report)
    app.router.add_get("/report/{id}", report_page)
    app.router.add_post("/report/{id}", report_page)
    app.router.add_post("/import", api.import_services)
    app.router.add_get("/openapi.json", _openapi)
    app.router.add_static("/static/", HERE / "static")
    app.on_cleanup.append(_close)
    return app


@web.middleware
async def _within_limits(request: web.Request, handler: Handler) -> web.StreamResponse:
    buckets = request.app[BUCKETS]
    wait = buckets.take(request.remote or "unknown")
    if wait:
        raise ApiError(429, "too many requests; try again shortly", headers={"Retry-After": buckets.retry_after(wait)})
    if len(request.raw_path) > request.app[LIMITS].url_bytes:
        raise ApiError(414, f"the URL is longer than {request.app[LIMITS].url_bytes} bytes")
    return await handler(request)


async def _openapi(_request: web.Request) -> web.Response:
    return web.json_response(openapi.document(), dumps=dumps)


async def _close(app: web.Application) -> None:
    app[CATALOGUE].close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m staff_web", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--url", default=catalogue_url(), help="catalogue database (default: $VEIVISER_CATALOG_URL)")
    parser.add_argument("--rate", type=float, default=RateLimit.per_second, help="requests per second per client")
    parser.add_argument("--burst", type=int, default=RateLimit.burst, help="requests at once per client")
    parser.add_argument("--import-mb", type=float, default=Limits.import_bytes / 2**20, help="largest import body")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    limits = Limits(import_bytes=int(args.import_mb * 2**20), rate=RateLimit(args.rate, args.burst))
    app = make_app(args.url, os.environ.get(TOKEN_SETTING), limits)
    security_headers.answer_refused_requests(security_headers.content_security_policy())
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
