"""Load: N concurrent scripted conversations through the chat channel, as people hold them.

    .venv/bin/python bench/load.py                          # starts the stack, 1, 10 and 50 at a time
    .venv/bin/python bench/load.py --concurrency 50 --conversations 200
    .venv/bin/python bench/load.py --url http://127.0.0.1:5005 --channel /webhooks/web/webhook
    .venv/bin/python bench/load.py --url http://127.0.0.1:5006 --scripts rasa-init   # a reference bot (REST)
    .venv/bin/python bench/load.py --json-out var/bench/load.json

Why a script and not a timed test: latency depends on the machine and its
load. This prints what issue 6 asks for (errors, p50/p95/p99 per turn,
turns per second at each concurrency; the target is zero errors at 50
concurrent conversations on 2 cores) and can write it as JSON for
`make bench`. Each virtual user holds one scripted conversation after
another (SCRIPTS["veiviser"]: the screening paths, with catalogue search;
or the script of a reference bot, bench/references.py), each with a new
sender id; a turn is an error if the server does not answer 200 with
at least one message within the timeout, or answers with the web channel's
safety net (which it sends when the bot itself failed). Requests are bounded in count and
time and go only to loopback unless --url says otherwise.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.safety_net import safety_net_text  # noqa: E402
from veiviser import supervisor  # noqa: E402

TURN_TIMEOUT_S = 60
SAFETY_NET = {safety_net_text("nb"), safety_net_text("en")}
Script = tuple[str, ...]
SCRIPTS: dict[str, tuple[Script, ...]] = {
    # Veiviser: the dialogue's main paths, each ending in a catalogue search (or the rights answer).
    "veiviser": (
        ("hei", "jeg trenger hjelp med rusen min", "Bergen"),
        ("sønnen min ruser seg, hva gjør jeg", "Trondheim"),
        ("trenger et sted å sove i natt, bor i Tromsø",),
        ("I need help with my drug use, I live in Oslo",),
        ("hvor kan jeg få sår stelt uten time", "Stavanger"),
        ("jeg vil på avrusning", "vil ikke si"),
        ("kan jeg velge behandlingssted selv?",),
        ("eg treng hjelp med rusen, bur i Ålesund",),
    ),
    # The bot `rasa init` makes: its own stories (greet, mood, cheer up, bot challenge, goodbye).
    "rasa-init": (
        ("hello", "I am great"),
        ("hi", "I am sad", "yes"),
        ("hey there", "very unhappy", "no"),
        ("are you a bot?", "bye"),
    ),
    # The floor (bench/references.py): one rule, greet -> utter_greet.
    "floor": (("hei", "hallo"), ("hei",)),
}
# Veiviser's chat channel (bot/channels/web.py); the reference bots have Rasa's REST channel.
CHANNELS = {"veiviser": "/webhooks/web/webhook", "rasa-init": "/webhooks/rest/webhook", "floor": "/webhooks/rest/webhook"}


@dataclass
class Level:
    """What one concurrency level measured."""

    concurrency: int
    turn_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figures(self) -> dict[str, Any]:
        turns = len(self.turn_ms) + len(self.errors)
        return {
            "concurrency": self.concurrency,
            "turns": turns,
            "errors": len(self.errors),
            "error_kinds": sorted(set(self.errors))[:10],
            "turn_ms": percentiles(self.turn_ms),
            "turns_per_s": round(len(self.turn_ms) / self.seconds, 2) if self.seconds else 0.0,
        }


def main() -> int:
    args = arguments()
    scripts = SCRIPTS[args.scripts]

    channel = args.channel or CHANNELS[args.scripts]

    def run(url: str) -> list[Level]:
        return measure(url + channel, scripts, args.concurrency, args.conversations)

    levels = run(args.url) if args.url else with_stack(run)
    report = {
        "benchmark": "load: concurrent scripted conversations through the chat channel",
        "channel": channel,
        "scripts": args.scripts,
        "levels": [level.figures() for level in levels],
        "python": platform.python_version(),
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    print_report(report)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if any(level.errors for level in levels) else 0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--conversations", type=int, help="per level (default: 4 per concurrent user, at least 16)")
    parser.add_argument("--url", help="a running Rasa server; default: start the stack on free loopback ports")
    parser.add_argument("--channel", help="the channel's webhook path (default: the bot's, CHANNELS)")
    parser.add_argument("--scripts", choices=sorted(SCRIPTS), default="veiviser",
                        help="which bot's conversations to hold (a reference bot needs --url)")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    if any(n < 1 or n > 200 for n in args.concurrency):
        parser.error("--concurrency takes values from 1 to 200")
    if args.scripts != "veiviser" and not args.url:
        parser.error("a reference bot's scripts need --url (bench/run_all.py starts the reference bots)")
    return args


def with_stack(run: Callable[[str], list[Level]]) -> list[Level]:
    """The real stack (action server, Rasa server) on free loopback ports, as `make run` starts it."""
    model = ROOT / "models" / "veiviser.tar.gz"
    if not model.exists():
        raise SystemExit(f"no trained model at {model}: run `make model` first")
    ports = supervisor.Ports.free()
    with tempfile.TemporaryDirectory() as logs:
        print(f"starting the stack (logs in {logs})...", file=sys.stderr)
        with supervisor.running(ports, model, log_dir=Path(logs), with_web=False) as stack:
            return run(stack.rasa_url)


def measure(
    webhook: str, scripts: tuple[Script, ...], concurrency: list[int], conversations: int | None = None
) -> list[Level]:
    """Each concurrency level in turn against a running bot's webhook, after one warm-up conversation.

    `conversations` per level defaults to 4 per concurrent user, at least 16.
    """
    return asyncio.run(_run_levels(webhook, scripts, concurrency, conversations))


async def _run_levels(
    url: str, scripts: tuple[Script, ...], concurrency: list[int], conversations: int | None
) -> list[Level]:
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=max(concurrency))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as client:
        for script in scripts:  # warm-up: first model, policy and catalogue use
            await conversation(client, url, script, Level(0))
        return [await run_level(client, url, scripts, n, conversations or max(16, 4 * n)) for n in concurrency]


async def run_level(
    client: aiohttp.ClientSession, url: str, scripts: tuple[Script, ...], concurrency: int, conversations: int
) -> Level:
    level = Level(concurrency)
    queue: asyncio.Queue[Script] = asyncio.Queue()
    for n in range(conversations):
        queue.put_nowait(scripts[n % len(scripts)])

    async def user() -> None:
        while not queue.empty():
            await conversation(client, url, queue.get_nowait(), level)

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    level.seconds = time.perf_counter() - started
    print(f"  {concurrency:>3} concurrent: {conversations} conversations in {level.seconds:.1f} s", file=sys.stderr)
    return level


async def conversation(client: aiohttp.ClientSession, url: str, script: Script, level: Level) -> None:
    sender = f"load-{uuid.uuid4()}"
    for text in script:
        started = time.perf_counter()
        try:
            async with client.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json(content_type=None)
                if response.status != 200 or not isinstance(body, list) or not body:
                    level.errors.append(f"HTTP {response.status}, {type(body).__name__} of {len(body or [])}")
                    return
                if any(message.get("text") in SAFETY_NET for message in body):
                    level.errors.append("safety net: the bot could not answer")
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            level.errors.append(type(error).__name__)
            return
        level.turn_ms.append((time.perf_counter() - started) * 1000)


def percentiles(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {}
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1), "max": round(max(ms), 1)}


def print_report(report: dict[str, Any]) -> None:
    print(f"{'concurrent':>10} {'turns':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'turns/s':>8}")
    for level in report["levels"]:
        t = level["turn_ms"] or {"p50": 0, "p95": 0, "p99": 0}
        print(f"{level['concurrency']:>10} {level['turns']:>6} {level['errors']:>6} {t['p50']:>8} {t['p95']:>8}"
              f" {t['p99']:>8} {level['turns_per_s']:>8}")
        for kind in level["error_kinds"]:
            print(f"{'':>10} error: {kind}")


if __name__ == "__main__":
    raise SystemExit(main())
