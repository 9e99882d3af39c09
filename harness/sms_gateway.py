"""A fake SMS gateway: a real aiohttp server on 127.0.0.1 that records every request it gets.

It runs on its own event loop in a thread, so plain (synchronous) tests can
talk to the Rasa server and read what the channel sent here. It can be told
to fail the next N requests, or all of them, with 503.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qsl

from aiohttp import web


@dataclass(frozen=True)
class Received:
    path: str
    authorization: str
    content_type: str
    body: bytes
    answered: int

    def fields(self) -> dict[str, str]:
        if self.content_type.startswith("application/json"):
            return json.loads(self.body)
        return dict(parse_qsl(self.body.decode()))

    @property
    def phone(self) -> str:
        fields = self.fields()
        return fields.get("to") or fields.get("destination") or fields.get("To") or ""

    @property
    def text(self) -> str:
        fields = self.fields()
        return fields.get("text") or fields.get("userData") or fields.get("Body") or ""

    @property
    def reference(self) -> str:
        fields = self.fields()
        return fields.get("reference") or fields.get("refId") or ""


class FakeGateway:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_next = 0
        self.always_fail = False
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        with self._lock:
            failing = self.always_fail or self.fail_next > 0
            if self.fail_next > 0:
                self.fail_next -= 1
            status = 503 if failing else 200
            self.received.append(Received(request.path, request.headers.get("Authorization", ""),
                                          request.headers.get("Content-Type", ""), body, status))
        return web.json_response({"ok": not failing}, status=status)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def start(self) -> "FakeGateway":
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def requests_for(self, phone: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.phone == phone]

    def delivered(self, phone: str) -> list[Received]:
        return [r for r in self.requests_for(phone) if r.answered == 200]

    def wait_for(self, condition: Callable[[], bool], timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the fake gateway did not receive what was expected in time")
            time.sleep(0.1)
