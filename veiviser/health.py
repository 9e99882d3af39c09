"""`veiviser health`: ask every process of a running stack whether it is well.

The web channel's health (inside the Rasa server) also says whether the
model is loaded and whether the action server, the catalogue and the
conversation store answer; the action server, the chat page and the staff
lookup say only that they are up. Exit code 0 when all is well, 1 otherwise, for scripts.
"""
from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request

from veiviser.supervisor import Ports, Stack

TIMEOUT_S = 5


def endpoints(stack: Stack) -> dict[str, str]:
    return {
        "Rasa server and web channel": f"{stack.rasa_url}/webhooks/web/health",
        "action server": f"{stack.actions_url}/health",
        "chat page": f"{stack.web_url}/health",
        "staff lookup": f"{stack.staff_url}/",
    }


def _ask(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            return True, response.read().decode()
    except urllib.error.HTTPError as error:
        return False, error.read().decode()
    except OSError as error:
        return False, f"no answer ({error})"


def _summary(body: str) -> str:
    """The parts a JSON health answer lists ("model: ok, actions: DOWN"), or the start of any other text."""
    try:
        parts = json.loads(body)
    except ValueError:
        return "" if body.lstrip().startswith("<") else body[:100]
    if not isinstance(parts, dict):
        return ""
    return ", ".join(f"{part}: {'ok' if ok is True else 'DOWN' if ok is False else ok}" for part, ok in parts.items())


def health_command(args: argparse.Namespace) -> int:
    stack = Stack(Ports(rasa=args.rasa_port, actions=args.actions_port, web=args.web_port, staff=args.staff_port))
    all_well = True
    for name, url in endpoints(stack).items():
        well, body = _ask(url)
        all_well &= well
        print(f"{'ok  ' if well else 'DOWN'}  {name:<28} {url}  {_summary(body)}")
    return 0 if all_well else 1


def add_command(subparsers: argparse._SubParsersAction) -> None:
    health = subparsers.add_parser("health", help="check every process of a running stack")
    health.add_argument("--rasa-port", type=int, default=Ports.rasa)
    health.add_argument("--actions-port", type=int, default=Ports.actions)
    health.add_argument("--web-port", type=int, default=Ports.web)
    health.add_argument("--staff-port", type=int, default=Ports.staff)
    health.set_defaults(handler=health_command)
