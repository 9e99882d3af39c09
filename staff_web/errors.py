"""Every error the web lookup gives is JSON: `{"error": ..., "problems": [...]}` with the fitting status.

A problem says what it is about (a query parameter, or a record and field of
an import) and why, so a client can show it next to the input. Unexpected
failures are logged with their traceback but without request bodies or
query text, and answered with a plain 500.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Iterable

from aiohttp import web

from services_catalog.hsds import Problem
from services_catalog.lookup import BadFilter

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    def __init__(self, status: int, error: str, problems: Iterable[dict[str, Any]] = (), headers: dict[str, str] | None = None):
        super().__init__(error)
        self.status, self.error, self.problems, self.headers = status, error, list(problems), headers or {}


def bad_parameter(error: BadFilter) -> ApiError:
    problem = {"parameter": error.field, "message": error.reason}
    if error.suggestion:
        problem["suggestion"] = error.suggestion
    return ApiError(400, f"bad parameter {error.field}: {error.reason}", [problem])


def invalid_records(problems: list[Problem]) -> ApiError:
    return ApiError(
        422,
        f"nothing was changed: {len(problems)} problem(s) in the records",
        [{"source": p.file, "record_id": p.record_id, "field": p.field, "message": p.message} for p in problems],
    )


def error_response(error: ApiError) -> web.Response:
    body = {"error": error.error, "problems": error.problems}
    return web.json_response(body, status=error.status, headers=error.headers, dumps=dumps)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error)
    except BadFilter as error:
        return error_response(bad_parameter(error))
    except web.HTTPException as error:
        if error.status < 400:
            raise
        headers = {k: v for k, v in error.headers.items() if k.lower() in ("allow", "retry-after", "www-authenticate")}
        return error_response(ApiError(error.status, error.reason.lower(), headers=headers))
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(ApiError(500, "internal error"))


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
