"""Serve the web chat widget (web/widget/) and a page that embeds it with one script tag."""
from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from aiohttp import web

from veiviser.supervisor import ROOT

WIDGET_DIR = ROOT / "web" / "widget"


def make_app(rasa_port: int) -> web.Application:
    page = (WIDGET_DIR / "index.html").read_text(encoding="utf-8")

    async def index(request: web.Request) -> web.Response:
        """The demo page, pointed at the Rasa server on the host the browser used to reach us."""
        host = urlsplit(f"//{request.host}").hostname or "127.0.0.1"
        host = f"[{host}]" if ":" in host else host  # IPv6
        rasa_url = f"{request.scheme}://{host}:{rasa_port}"
        return web.Response(text=page.replace("{rasa_url}", rasa_url), content_type="text/html")

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_static("/widget/", WIDGET_DIR)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--rasa-port", type=int, default=5005)
    args = parser.parse_args()
    web.run_app(make_app(args.rasa_port), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
