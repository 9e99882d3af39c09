"""Serve the web chat widget (web/widget/) and a page that embeds it with one script tag."""
from __future__ import annotations

import argparse
import os
from html import escape

from aiohttp import web

from veiviser import security_headers
from veiviser.supervisor import ROOT

WIDGET_DIR = ROOT / "web" / "widget"
# Where browsers reach the Rasa server, for a deployment behind a proxy; never taken from the request,
# whose Host header anyone can set (issue 17: it was reflected into the page).
RASA_URL_SETTING = "VEIVISER_PUBLIC_RASA_URL"
POLICY = web.AppKey("policy", str)


def make_app(rasa_port: int, rasa_url: str | None = None) -> web.Application:
    rasa_url = rasa_url or os.environ.get(RASA_URL_SETTING) or f"http://127.0.0.1:{rasa_port}"
    page = (WIDGET_DIR / "index.html").read_text(encoding="utf-8").replace("{rasa_url}", escape(rasa_url, quote=True))

    async def index(_request: web.Request) -> web.Response:
        """The demo page, pointed at the configured Rasa server."""
        return web.Response(text=page, content_type="text/html")

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=64 * 1024)
    app[POLICY] = security_headers.content_security_policy(connect_to=rasa_url)
    security_headers.install(app, app[POLICY])
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_static("/widget/", WIDGET_DIR)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--rasa-port", type=int, default=5005)
    args = parser.parse_args()
    app = make_app(args.rasa_port)
    security_headers.answer_refused_requests(app[POLICY])
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
