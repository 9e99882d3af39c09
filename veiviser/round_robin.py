"""A minimal round-robin HTTP proxy for trying replicas on one machine.

    python -m veiviser.round_robin --port 5005 --backend http://127.0.0.1:5006 --backend http://127.0.0.1:5007

Each request goes to the next backend in turn, whatever conversation it
belongs to, so consecutive messages of one conversation land on different
Rasa servers: the worst case for the shared tracker and lock stores, which is
what the scale-out test wants. Production puts a real load balancer (a
Kubernetes Service, nginx) in front instead; this exists so the test and
bench/scaleout.py need nothing beyond Python.

Every answer carries the header `X-Veiviser-Backend` (the backend's index),
so a client can see which replica served which message.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
from typing import Sequence

import aiohttp
from aiohttp import web

BACKEND_HEADER = "X-Veiviser-Backend"
# Headers that describe one hop, not the message (RFC 9110 7.6.1), plus those aiohttp sets itself.
HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer",
                         "proxy-authorization", "proxy-authenticate", "host", "content-length"})
TIMEOUT_S = 120
CLIENT = web.AppKey("client", aiohttp.ClientSession)


def make_app(backends: Sequence[str]) -> web.Application:
    if not backends:
        raise ValueError("the proxy needs at least one backend")
    turns = itertools.cycle(enumerate(backend.rstrip("/") for backend in backends))
    app = web.Application(client_max_size=16 * 1024 * 1024)

    async def open_client(app: web.Application) -> None:
        connector = aiohttp.TCPConnector(limit=0)  # the backends' own limits apply, not the proxy's
        app[CLIENT] = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
                                              auto_decompress=False)

    async def close_client(app: web.Application) -> None:
        await app[CLIENT].close()

    async def forward(request: web.Request) -> web.StreamResponse:
        index, backend = next(turns)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        try:
            async with app[CLIENT].request(request.method, backend + request.path_qs, headers=headers,
                                             data=await request.read(), allow_redirects=False) as answer:
                body = await answer.read()
                out_headers = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return web.json_response({"error": f"backend {index} unreachable: {type(error).__name__}"},
                                     status=502, headers={BACKEND_HEADER: str(index)})
        out_headers[BACKEND_HEADER] = str(index)
        return web.Response(status=answer.status, body=body, headers=out_headers)

    app.on_startup.append(open_client)
    app.on_cleanup.append(close_client)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--backend", action="append", required=True, help="a backend's base URL; repeat")
    args = parser.parse_args(argv)
    web.run_app(make_app(args.backend), host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
