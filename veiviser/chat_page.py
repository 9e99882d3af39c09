"""Serve the local chat page (web/chat/) and tell it where the Rasa server is.

config.js also carries the safety net from the domain, so that the page
shows 113 and the helplines even when the Rasa server itself cannot be
reached (the web channel covers every other failure).
"""
from __future__ import annotations

import argparse
import json

from aiohttp import web

from bot.safety_net import safety_net_text
from veiviser.supervisor import ROOT

PAGE_DIR = ROOT / "web" / "chat"


def make_app(rasa_port: int) -> web.Application:
    async def index(_request: web.Request) -> web.FileResponse:
        return web.FileResponse(PAGE_DIR / "index.html")

    async def config(_request: web.Request) -> web.Response:
        safety_net = {language: safety_net_text(language) for language in ("nb", "en")}
        settings = {"rasaPort": rasa_port, "safetyNet": safety_net}
        body = f"window.VEIVISER = {json.dumps(settings, ensure_ascii=False)};"
        return web.Response(text=body, content_type="application/javascript")

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/config.js", config)
    app.router.add_static("/static/", PAGE_DIR)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--rasa-port", type=int, default=5005)
    args = parser.parse_args()
    web.run_app(make_app(args.rasa_port), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
