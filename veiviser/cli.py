"""The `veiviser` command: run the product locally, check its health, operate the catalogue and purge old conversations."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from services_catalog import cli as catalog_cli
from veiviser import health, privacy_cli, supervisor

DEFAULT_MODEL = Path("models/veiviser.tar.gz")


def run(args: argparse.Namespace) -> int:
    if not args.model.exists():
        print(f"No trained model at {args.model}: run `make run`, which trains it.", file=sys.stderr)
        return 1
    ports = supervisor.Ports(rasa=args.rasa_port, actions=args.actions_port, web=args.web_port, staff=args.staff_port)
    print("Starting the action server, the Rasa server, the chat page and the staff lookup (this takes ~20 s)...")
    stack = supervisor.start(ports, args.model)
    print(f"\n  Chat page:    {stack.web_url}\n  Web channel:  {stack.rasa_url}/webhooks/web/webhook")
    print(f"  Staff lookup: {stack.staff_url}  (API: {stack.staff_url}/services, {stack.staff_url}/openapi.json)")
    print("  Health:       veiviser health\n")
    print("Press Ctrl-C to stop.")
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # after spawning: children must not inherit it
    try:
        signal.sigwait(stop_signals)
    finally:
        print("\nStopping...")
        supervisor.stop(stack)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="veiviser", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    run_cmd = subparsers.add_parser("run", help="start everything locally and print the chat URL")
    run_cmd.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    run_cmd.add_argument("--rasa-port", type=int, default=5005)
    run_cmd.add_argument("--actions-port", type=int, default=5055)
    run_cmd.add_argument("--web-port", type=int, default=8000)
    run_cmd.add_argument("--staff-port", type=int, default=8001)
    run_cmd.set_defaults(handler=run)
    catalog_cli.add_commands(subparsers)
    privacy_cli.add_commands(subparsers)
    health.add_command(subparsers)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `veiviser catalog stale | head` ends quietly
    return catalog_cli.run_handler(args, parser)


if __name__ == "__main__":
    sys.exit(main())
