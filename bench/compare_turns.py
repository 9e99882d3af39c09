"""Turn latency of an earlier commit against this checkout, in one run: is a change no slower?

A git worktree of REV is made under var/bench/, its own model trained there,
and bench/breakdown.py's measurement of each checkout is run in turn, ROUNDS
times each, interleaved so that the machine's noise falls on both alike. Both
use one catalogue built from this checkout's sources.

    .venv/bin/python bench/compare_turns.py 3a881de           # about 10 minutes on 2 cores
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MEASURE = """
import json, sys, tempfile
from pathlib import Path
from bench.breakdown import measure
print('RESULT ' + json.dumps(measure(Path('models/veiviser.tar.gz'), Path(tempfile.mkdtemp()), rounds=4,
                                     settings={'VEIVISER_CATALOG_URL': sys.argv[1]})))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier commit")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each checkout (interleaved)")
    args = parser.parse_args()
    work = ROOT / "var" / "bench" / f"compare-{args.rev}"
    if not work.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(work), args.rev], cwd=ROOT, check=True)
    print(f"training {args.rev}'s model in {work} ...", flush=True)
    subprocess.run([str(Path(PYTHON).parent / "rasa"), "train", "--config", "config.yml", "--domain", "bot/domain",
                    "--data", "data", "--out", "models", "--fixed-model-name", "veiviser"],
                   cwd=work, env={**os.environ, "PYTHONPATH": str(work)}, check=True, capture_output=True)
    catalogue = work / "catalogue.sqlite"
    subprocess.run([str(Path(PYTHON).parent / "veiviser"), "catalog", "build", "--db", str(catalogue)], cwd=ROOT,
                   check=True, capture_output=True)
    results: dict[str, list[dict]] = {args.rev: [], "this checkout": []}
    for round_ in range(args.rounds):
        for label, root in ((args.rev, work), ("this checkout", ROOT)):
            print(f"round {round_ + 1}/{args.rounds}: {label} ...", flush=True)
            results[label].append(_measure(root, f"sqlite:///{catalogue}"))
            turn = results[label][-1]["turn_ms"]
            print(f"  turn p50 {turn['p50']} ms, mean {turn['mean']} ms", flush=True)
    print(json.dumps(results, indent=1))


def _measure(root: Path, catalogue_url: str) -> dict:
    done = subprocess.run([PYTHON, "-c", MEASURE, catalogue_url], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root), "VEIVISER_CATALOG_URL": catalogue_url})
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"the measurement in {root} failed:\n{done.stderr[-3000:]}")
    return json.loads(line.removeprefix("RESULT "))


if __name__ == "__main__":
    main()
