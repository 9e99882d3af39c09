"""`make bench`: every benchmark in one run, written to bench/results/ and docs/benchmarks.md.

    .venv/bin/python bench/run_all.py                       # what `make bench` runs
    .venv/bin/python bench/run_all.py --sizes 1000 1000000  # catalogue sizes (make: BENCH_SIZES=...)
    .venv/bin/python bench/run_all.py --quick               # small settings, to try the harness

Parts, in order (each prints its progress):

1. references: the `rasa init` bot and the floor bot are made and trained in
   var/bench/ (bench/references.py); Veiviser's model is trained once more
   there only to time it (--no-train-veiviser skips it).
2. turns: Veiviser (the whole stack) and both references served side by
   side; at each concurrency level each bot in turn holds its scripted
   conversations through the REST channel (bench/load.py). The machine is
   shared and noisy, so each figure is also given as a ratio against the
   references measured minutes apart in the same run. Resident memory of
   every server process at rest and its peak during the busiest level.
3. breakdown: where a Veiviser turn's time goes (bench/breakdown.py), and
   the catalogue search alone on the same catalogue (bench/search.py).
4. search scaling: bench/search.py per catalogue size, each in its own process.
5. NLU quality on the held-out split (bench/nlu_quality.py).

The figures go to bench/results/latest.json (written after every part, so a
failed part keeps the others), the report to bench/results/report.md with
its PNG plots, and the same report to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import breakdown, load, nlu_quality, references, search  # noqa: E402
from bench.report import ratios, render, write_plots  # noqa: E402
from bot.stores import retention  # noqa: E402
from veiviser import supervisor  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DOCS_REPORT = ROOT / "docs" / "benchmarks.md"
WORK = references.BENCH_DIR
MODEL = ROOT / "models" / "veiviser.tar.gz"
CATALOGUE = ROOT / "var" / "catalogue.sqlite"
BOTS = ("veiviser", "rasa-init", "floor")
DEFAULT_SIZES = (1_000, 10_000, 100_000)
# A million services take longer to build than the rest of the run together, so that size is
# measured by its own command (the report says so and when); the figures are kept here.
MILLION = 1_000_000
MILLION_FIGURES = RESULTS / "search-1000000.json"
MILLION_COMMAND = ("bench/search.py --services 1000000 --queries 1000 --baseline-queries 1"
                   " --json-out bench/results/search-1000000.json")
# The benchmark's conversations go to a database of their own, not the one `make run` keeps.
STACK_SETTINGS = {retention.TRACKER_URL_SETTING: f"sqlite:///{WORK / 'conversations.sqlite'}"}
# Actions that search the catalogue once per call (actions/catalogue.search).
SEARCHING_ACTIONS = ("action_find_services", "action_local_service", "action_list_treatment_choice")


def main() -> int:
    args = _arguments()
    if args.report_only:
        _write_report(json.loads((RESULTS / "latest.json").read_text(encoding="utf-8")))
        return 0
    started = time.monotonic()
    results: dict[str, Any] = {"machine": machine(), "settings": vars(args) | {"sizes": args.sizes},
                               "started": _now()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (WORK / "logs").mkdir(parents=True, exist_ok=True)

    def part(name: str, run: Callable[[], Any]) -> None:
        _progress(f"{name}...", started)
        began = time.monotonic()
        try:
            results[name] = run()
        except Exception as error:  # noqa: BLE001 - a failed part is reported; the others still count
            results[name] = {"error": f"{type(error).__name__}: {error}"}
            _progress(f"{name} FAILED: {error}", started)
        results.setdefault("part_seconds", {})[name] = round(time.monotonic() - began)
        _save(results)

    bots: dict[str, references.Bot] = {}
    part("training", lambda: _train(bots, args.train_veiviser, args.reuse_references))
    if len(bots) == len(BOTS):
        part("turns", lambda: _turns(bots, args.levels, args.conversations))
    part("breakdown", lambda: _breakdown(args.breakdown_rounds))
    part("search", lambda: _search_scaling(args.sizes, args.queries))
    part("nlu", lambda: nlu_quality.measure(MODEL, WORK / "nlu-test", RESULTS))
    results["seconds"] = round(time.monotonic() - started)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["finished"] = _now()
    _save(results)
    _write_report(results)
    _progress(f"done: {RESULTS / 'report.md'}, {DOCS_REPORT}", started)
    return 1 if any(isinstance(v, dict) and "error" in v for v in results.values()) else 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "").split()] or list(DEFAULT_SIZES)
    parser.add_argument("--sizes", type=int, nargs="+", default=sizes,
                        help=f"catalogue sizes for the search scaling (default $BENCH_SIZES or {DEFAULT_SIZES})")
    parser.add_argument("--quick", action="store_true", help="small settings, to try the harness")
    parser.add_argument("--no-train-veiviser", dest="train_veiviser", action="store_false",
                        help="do not time a training of Veiviser's model")
    parser.add_argument("--report-only", action="store_true",
                        help="only write the report and plots again from bench/results/latest.json")
    parser.add_argument("--reuse-references", action="store_true",
                        help="use the reference bots an earlier run made in var/bench/ (their training is not timed)")
    args = parser.parse_args()
    args.levels = [1, 5] if args.quick else [1, 10, 50]
    # Conversations per level: enough turns one at a time for a p99, 4 per user under load.
    args.conversations = {1: 8, 5: 10} if args.quick else {1: 40, 10: 60, 50: 200}
    args.breakdown_rounds = 1 if args.quick else 4
    args.queries = 200 if args.quick else 1_000
    return args


def machine() -> dict[str, Any]:
    """What the figures were taken on; the load average says how busy it was."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "system": platform.platform(),
            "load_average_start": [round(x, 2) for x in os.getloadavg()]}


# --- 1. training -------------------------------------------------------------------------


def _train(bots: dict[str, references.Bot], train_veiviser: bool, reuse: bool) -> dict[str, Any]:
    bots["rasa-init"] = references.rasa_init(reuse=reuse)
    bots["floor"] = references.floor(reuse=reuse)
    timed = references.train_veiviser() if train_veiviser else None
    bots["veiviser"] = references.Bot("veiviser", MODEL, ROOT, timed.train_s if timed else 0.0)
    return {name: {"train_s": round(bot.train_s, 1) if bot.train_s else None,
                   "model_mb": round(bot.model.stat().st_size / 2**20, 2)}
            for name, bot in bots.items()}


# --- 2. turns ----------------------------------------------------------------------------


def _turns(bots: dict[str, references.Bot], levels: list[int], conversations: dict[int, int]) -> dict[str, Any]:
    """All three bots up at once; per level each bot in turn, so the ratios compare neighbours in time."""
    with ExitStack() as stack:
        servers = dict(_serve_all(bots, stack))
        rest = {name: _rss(processes) for name, (_, processes) in servers.items()}
        figures: dict[str, list] = {name: [] for name in servers}
        peak: dict[str, dict[str, float]] = {}
        for n in levels:
            for name, (url, processes) in servers.items():
                with _PeakRss(processes) as sampler:
                    (level,) = load.measure(url + load.CHANNELS[name], load.SCRIPTS[name], [n],
                                            conversations[n])
                figures[name].append(level.figures())
                peak[name] = sampler.peak
                print(f"    {name:>10}: p95 {level.figures()['turn_ms'].get('p95')} ms, "
                      f"{level.figures()['turns_per_s']} turns/s", file=sys.stderr)
    return {"levels": levels, "bots": figures, "rss_mb_at_rest": rest, "rss_mb_peak_last_level": peak,
            "ratios": ratios(figures)}


def _serve_all(bots: dict[str, references.Bot], stack: ExitStack) -> Iterator[tuple[str, tuple[str, list]]]:
    logs = WORK / "logs"
    veiviser = stack.enter_context(supervisor.running(supervisor.Ports.free(), bots["veiviser"].model,
                                                      log_dir=logs, with_web=False, settings=STACK_SETTINGS))
    processes = [("action server", veiviser.processes["actions"]), ("rasa server", veiviser.processes["rasa"])]
    yield "veiviser", (veiviser.rasa_url, processes)
    for name in ("rasa-init", "floor"):
        url, process = stack.enter_context(references.serving(bots[name], logs / f"{name}.log"))
        yield name, (url, [("rasa server", process)])


def _rss(processes: list[tuple[str, subprocess.Popen]]) -> dict[str, float]:
    """Resident memory of each server process with its children, in MB."""
    sizes = {}
    for name, process in processes:
        try:
            root = psutil.Process(process.pid)
            sizes[name] = round(sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20)
        except psutil.NoSuchProcess:
            sizes[name] = None
    return sizes


class _PeakRss:
    """Samples _rss every quarter second in a thread while a level runs; keeps each process's peak."""

    def __init__(self, processes: list[tuple[str, subprocess.Popen]]) -> None:
        self.processes = processes
        self.peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "_PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            for name, mb in _rss(self.processes).items():
                self.peak[name] = max(self.peak.get(name) or 0, mb or 0)
            if self._stop.wait(0.25):
                return


# --- 3. breakdown ------------------------------------------------------------------------


def _breakdown(rounds: int) -> dict[str, Any]:
    """The turn's parts, and the catalogue's share of the action time: searches per turn x one search alone."""
    figures = breakdown.measure(MODEL, WORK / "logs" / "breakdown", rounds, STACK_SETTINGS)
    alone = search.search_ms(f"sqlite:///{CATALOGUE}")
    searches = sum(a["calls_per_turn"] for name, a in figures["by_action"].items() if name in SEARCHING_ACTIONS)
    figures["catalogue_search_ms"] = alone
    figures["searches_per_turn"] = round(searches, 3)
    figures["catalogue_ms_per_turn"] = round(searches * alone["p50"], 2)
    return figures


# --- 4. search scaling -------------------------------------------------------------------


def _search_scaling(sizes: list[int], queries: int) -> list[dict[str, Any]]:
    """bench/search.py per size, each in a process of its own (a million services' snapshot and
    gc.freeze stay there); the full-scan baseline on fewer queries as the catalogue grows."""
    rows = []
    for size in sizes:
        out = WORK / f"search-{size}.json"
        baseline = 20 if size <= 10_000 else 10 if size <= 100_000 else 5
        subprocess.run([sys.executable, str(ROOT / "bench" / "search.py"), "--services", str(size),
                        "--queries", str(queries), "--baseline-queries", str(baseline), "--json-out", str(out)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        rows.append(json.loads(out.read_text()))
        print(f"    {size:>9,} services: p95 {rows[-1]['setups']['as_db_py']['search_ms']['p95']} ms",
              file=sys.stderr)
        if size == MILLION:
            MILLION_FIGURES.write_text(out.read_text(), encoding="utf-8")
    if MILLION not in sizes and MILLION_FIGURES.exists():
        rows.append({**json.loads(MILLION_FIGURES.read_text(encoding="utf-8")), "separate_command": MILLION_COMMAND})
    return rows


# --- output ------------------------------------------------------------------------------


def _write_report(results: dict[str, Any]) -> None:
    write_plots(results, RESULTS)
    (RESULTS / "report.md").write_text(render(results, images=""), encoding="utf-8")
    DOCS_REPORT.write_text(render(results, images="../bench/results/"), encoding="utf-8")


def _save(results: dict[str, Any]) -> None:
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _progress(message: str, started: float) -> None:
    print(f"[{(time.monotonic() - started) / 60:5.1f} min] {message}", file=sys.stderr, flush=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


if __name__ == "__main__":
    raise SystemExit(main())
