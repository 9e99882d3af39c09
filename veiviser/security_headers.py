"""Headers that keep our pages from being framed, sniffed or made to load from elsewhere (issue 17).

A quick-exit page that a hostile site can frame is a real risk for this
audience, so every HTML page says `frame-ancestors 'none'`, and each app
names, in its Content-Security-Policy, exactly where its page may connect.
"""
from __future__ import annotations

from aiohttp import web

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
