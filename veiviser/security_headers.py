"""Headers that keep our pages from being framed, sniffed or made to load from elsewhere (issue 17).

A quick-exit page that a hostile site can frame is a real risk for this
audience, so every HTML page says `frame-ancestors 'none'`, and each app
names, in its Content-Security-Policy, exactly where its page may connect.
"""
from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def content_security_policy(connect_to: str = "") -> str:
    """Only our own files; inline styles for the widget's shadow root; fetches to `connect_to` as well."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        f"connect-src 'self'{' ' + connect_to if connect_to else ''}",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ])


def install(app: web.Application, policy: str) -> None:
    """Every response the app prepares gets the headers: pages, static files and error answers alike."""
    async def add_headers(_request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update({**COMMON, "Content-Security-Policy": policy})

    app.on_response_prepare.append(add_headers)


def answer_refused_requests(policy: str) -> None:
    """Give aiohttp's own error answers these headers too, and a JSON body like every other error of ours.

    aiohttp answers a request its parser refuses (a header over the size limit) itself, in plain
    text, before any handler or signal of the app runs, so `install` cannot reach it. Called
    where a server process is built, never on import: it changes aiohttp's handler for the process.
    """
    original = RequestHandler.handle_error
    if getattr(original, "veiviser_policy", None) == policy:
        return

    def handle_error(self: RequestHandler, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        original(self, request, status, exc, message)  # logs, and refuses when an answer is already on its way
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        response = web.json_response({"error": f"{status} {phrase}"}, status=status,
                                     headers={**COMMON, "Content-Security-Policy": policy})
        response.force_close()
        return response

    handle_error.veiviser_policy = policy  # type: ignore[attr-defined]
    RequestHandler.handle_error = handle_error  # type: ignore[method-assign]
