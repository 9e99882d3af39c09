"""Scale-out: turns per second with one Rasa replica and with two, behind the same round-robin proxy.

    .venv/bin/python bench/scaleout.py                                # 20 concurrent, 100 conversations
    .venv/bin/python bench/scaleout.py --concurrency 30 --conversations 150 --json-out var/bench/scaleout.json

Starts 1 Rasa server + 1 action server, then 2 + 2 (veiviser/supervisor.py,
start_replicas), both times behind veiviser/round_robin.py and with the
shared stores several replicas need (a temporary PostgreSQL database as
tracker store, a Redis lock store under a key prefix of its own, both
removed afterwards), and drives the same load at each (bench/load.py's
scripted conversations through the web channel). Prints turns per second
for each and their ratio, and the CPU seconds each kind of process used per
turn: on a machine with as many cores as Rasa replicas, the action servers,
the proxy, PostgreSQL and this load generator take CPU from the replicas, so
the ratio stays under the replica count; the CPU figures show by how much.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bot.stores import locks as lock_store, retention  # noqa: E402
from veiviser import supervisor  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("VEIVISER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 1
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    model = ROOT / "models" / "veiviser.tar.gz"
    if not model.exists():
        raise SystemExit(f"no trained model at {model}: run `make model` first")

    results = []
    with shared_stores() as settings:
        for count in args.replicas:
            results.append(measure(count, model, settings, args))
    base = results[0]["turns_per_s"]
    report = {
        "benchmark": "scale-out: the same load on 1 and 2 Rasa replicas behind a round-robin proxy",
        "concurrency": args.concurrency, "conversations": args.conversations,
        "cores": os.cpu_count(), "load_average_at_start": results[0]["load_average"],
        "runs": results,
        "ratio": {r["replicas"]: round(r["turns_per_s"] / base, 2) if base else None for r in results},
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    print(json.dumps(report, indent=2))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["errors"] for r in results) else 0


def measure(count: int, model: Path, settings: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as logs:
        print(f"starting {count} Rasa + {count} action servers (logs in {logs})...", file=sys.stderr)
        stack = supervisor.start_replicas(count, model, log_dir=Path(logs), settings=settings)
        try:
            url = stack.rasa_url + load.CHANNELS["veiviser"]
            scripts = load.SCRIPTS["veiviser"]
            load.measure(url, scripts, [2 * count], 4 * count)  # every replica's first turns are slow
            before = {**cpu_seconds(stack), "load generator": own_cpu_seconds()}
            load_average = os.getloadavg()
            level, = load.measure(url, scripts, [args.concurrency], args.conversations)
            after = {**cpu_seconds(stack), "load generator": own_cpu_seconds()}
            used = {name: round(after[name] - before[name], 1) for name in after}
        finally:
            supervisor.stop(stack)
    figures = level.figures()
    turns = max(1, len(level.turn_ms))
    return {"replicas": count, "turns_per_s": figures["turns_per_s"], "turns": figures["turns"],
            "seconds": round(level.seconds, 1),
            "cores_used": {name: round(s / level.seconds, 2) for name, s in used.items()},
            "errors": figures["errors"], "error_kinds": figures["error_kinds"], "turn_ms": figures["turn_ms"],
            "load_average": [round(x, 2) for x in load_average],
            "cpu_s": used, "cpu_ms_per_turn": {name: round(1000 * s / turns, 1) for name, s in used.items()}}


def cpu_seconds(stack: supervisor.Stack) -> dict[str, float]:
    """CPU seconds so far per kind of process (all Rasa servers together, etc.), from /proc."""
    used: dict[str, float] = defaultdict(float)
    for name, process in stack.processes.items():
        # Fields after the command name; utime and stime are the 14th and 15th of the whole line.
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        kind = name if name.endswith("proxy") else name.split("-")[0]
        used[kind] += (int(fields[11]) + int(fields[12])) / TICKS_PER_S
    return dict(used)


def own_cpu_seconds() -> float:
    """This process: the load generator's clients."""
    times = os.times()
    return times.user + times.system


@contextmanager
def shared_stores() -> Iterator[dict[str, str]]:
    """A temporary PostgreSQL database and a Redis key prefix of this run's own, removed afterwards."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    name = f"veiviser_bench_{uuid.uuid4().hex[:12]}"
    prefix = f"veiviserbench{uuid.uuid4().hex[:12]}"
    locks = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    locks.ping()  # fail now, not in the middle
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield {retention.TRACKER_URL_SETTING: admin.url.set(database=name).render_as_string(hide_password=False),
               "VEIVISER_LOCK_STORE": lock_store.MODULE_PATH, "VEIVISER_REDIS_HOST": REDIS_HOST,
               "VEIVISER_REDIS_PORT": str(REDIS_PORT), "VEIVISER_REDIS_DB": str(REDIS_DB),
               "VEIVISER_REDIS_KEY_PREFIX": prefix}
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        for key in locks.scan_iter(match=f"{prefix}:*"):
            locks.delete(key)
        locks.close()


if __name__ == "__main__":
    raise SystemExit(main())
