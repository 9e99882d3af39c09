"""Where a Veiviser turn's time goes, one conversation at a time: NLU, action server, the rest.

A stack of its own (veiviser/supervisor.py) with Rasa's HTTP API on and a
timing proxy between the Rasa server and the action server:

- turn: a message through the web chat channel, answered (bench/load.py's scripts).
- NLU: the same text through `/model/parse` (the pipeline alone, plus HTTP).
- actions: what the proxy saw during the turn, summed: from Rasa's request
  reaching the proxy to the action server's answer (its own HTTP included).
- rest: turn - NLU - actions, i.e. policies, the tracker store, the channel's
  own work (pseudonym, redaction) and HTTP.

The catalogue's share (inside the action time) is timed by bench/run_all.py
with bench/search.py on the same catalogue. Simple and honest beats fine-
grained: the NLU figure is a separate call, so NLU + rest is exact but the
split between them carries one extra HTTP round trip.
"""
from __future__ import annotations

import asyncio
import secrets
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.load import CHANNELS, SCRIPTS, TURN_TIMEOUT_S, Script
from veiviser import supervisor

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Turn:
    text: str
    turn_ms: float
    nlu_ms: float
    actions: list[tuple[str, float]] = field(default_factory=list)

    @property
    def actions_ms(self) -> float:
        return sum(ms for _, ms in self.actions)

    @property
    def rest_ms(self) -> float:
        return self.turn_ms - self.nlu_ms - self.actions_ms


def measure(model: Path, log_dir: Path, rounds: int = 4, settings: dict[str, str] | None = None) -> dict[str, Any]:
    """Every Veiviser script `rounds` times, one turn at a time, on a stack started for this."""
    return asyncio.run(_measure(model, log_dir, rounds, settings or {}))


async def _measure(model: Path, log_dir: Path, rounds: int, settings: dict[str, str]) -> dict[str, Any]:
    ports = supervisor.Ports.free()
    token = secrets.token_urlsafe(16)  # the HTTP API is on for /model/parse, behind a token as always
    log_dir.mkdir(parents=True, exist_ok=True)
    proxy = _Proxy(f"http://127.0.0.1:{ports.actions}/webhook")
    runner = await proxy.start()
    try:
        with supervisor.running(ports, model, log_dir=log_dir, with_web=False,
                                settings={**settings, supervisor.TOKEN_SETTING: token},
                                rasa_args=("--enable-api",), action_url=proxy.url) as stack:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_S)) as client:
                await _conversation(client, stack.rasa_url, token, SCRIPTS["veiviser"][0], proxy)  # warm-up
                turns = [turn for _ in range(rounds) for script in SCRIPTS["veiviser"]
                         for turn in await _conversation(client, stack.rasa_url, token, script, proxy)]
    finally:
        await runner.cleanup()
    return summarise(turns)


def summarise(turns: list[Turn]) -> dict[str, Any]:
    """Median and mean of each part over the turns, and each action's median time."""
    def parts(pick) -> dict[str, float]:
        values = [pick(turn) for turn in turns]
        return {"p50": round(statistics.median(values), 1), "mean": round(statistics.fmean(values), 1)}

    by_action: dict[str, list[float]] = {}
    for turn in turns:
        for name, ms in turn.actions:
            by_action.setdefault(name, []).append(ms)
    return {
        "turns": len(turns),
        "turn_ms": parts(lambda t: t.turn_ms),
        "nlu_ms": parts(lambda t: t.nlu_ms),
        "actions_ms": parts(lambda t: t.actions_ms),
        "rest_ms": parts(lambda t: t.rest_ms),
        "by_action": {name: {"p50_ms": round(statistics.median(ms), 1), "calls_per_turn": round(len(ms) / len(turns), 3)}
                      for name, ms in sorted(by_action.items())},
    }


async def _conversation(
    client: aiohttp.ClientSession, rasa_url: str, token: str, script: Script, proxy: "_Proxy"
) -> list[Turn]:
    sender = f"breakdown-{uuid.uuid4()}"
    turns = []
    for text in script:
        proxy.seen.clear()
        started = time.perf_counter()
        async with client.post(rasa_url + CHANNELS["veiviser"], json={"sender": sender, "message": text}) as r:
            r.raise_for_status()
            await r.read()
        turn_ms = (time.perf_counter() - started) * 1000
        actions = list(proxy.seen)
        started = time.perf_counter()
        async with client.post(f"{rasa_url}/model/parse", params={"token": token}, json={"text": text}) as r:
            r.raise_for_status()
            await r.read()
        turns.append(Turn(text, turn_ms, (time.perf_counter() - started) * 1000, actions))
    return turns


class _Proxy:
    """Forwards Rasa's action calls to the action server and notes how long each took."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.port = supervisor.free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.seen: list[tuple[str, float]] = []
        self._client: aiohttp.ClientSession | None = None

    async def start(self) -> web.AppRunner:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/webhook", self._forward)
        app.on_cleanup.append(self._close)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_S))
        return runner

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        started = time.perf_counter()
        assert self._client is not None
        async with self._client.post(self.target, data=body, headers={"Content-Type": "application/json"}) as r:
            answer = await r.read()
            status = r.status
        name = (await request.json()).get("next_action", "?")
        self.seen.append((name, (time.perf_counter() - started) * 1000))
        return web.Response(body=answer, status=status, content_type="application/json")

    async def _close(self, _app: web.Application) -> None:
        if self._client:
            await self._client.close()
