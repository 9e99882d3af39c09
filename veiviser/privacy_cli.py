"""`veiviser privacy purge`: delete conversations older than the retention time.

The Rasa server already purges every few minutes (bot/stores/forget.py);
this command is for operators: after lowering the retention, before a
backup, or from cron where the server does not own the store.
"""
from __future__ import annotations

import argparse
import re
from datetime import timedelta

from bot.stores import retention

HOURS_PER_UNIT = {"m": 1 / 60, "h": 1, "d": 24}


def parse_age(text: str) -> timedelta:
    """'24h', '90m' or '2d'."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhd])\s*", text)
    if not match or float(match[1]) <= 0:
        raise argparse.ArgumentTypeError(f"give a positive age such as 24h, 90m or 2d, not {text!r}")
    return timedelta(hours=float(match[1]) * HOURS_PER_UNIT[match[2]])


def purge_command(args: argparse.Namespace) -> int:
    from bot.stores.forget import events_engine, purge  # imports Rasa: only when purging

    engine = events_engine(args.url)
    report = purge(engine, args.older_than or retention.retention())
    engine.dispose()
    print(f"Deleted {report.events} old events; "
          f"{report.conversations} conversation(s) are gone entirely.")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    privacy = subparsers.add_parser("privacy", help="delete stored conversations")
    commands = privacy.add_subparsers(dest="privacy_command", required=True)
    purge_cmd = commands.add_parser("purge", help="delete conversations older than the retention time")
    purge_cmd.add_argument("--older-than", type=parse_age, default=None,
                           help=f"age such as 24h (default: ${retention.RETENTION_SETTING} "
                                f"or {retention.DEFAULT_RETENTION_HOURS}h)")
    purge_cmd.add_argument("--url", default=None,
                           help=f"tracker store URL (default: ${retention.TRACKER_URL_SETTING} or var/conversations.sqlite)")
    purge_cmd.set_defaults(handler=purge_command)
