"""The two reference bots the turn timings are divided by, made afresh in var/bench/ on every run.

- "rasa-init": what a team gets off the shelf, `rasa init --no-prompt` (Rasa's
  template project and default config, trained by the same command, offline).
- "floor": Veiviser's own config.yml (pipeline and policies) with a tiny domain
  and one rule, no action server: what a turn through this pipeline costs at
  the least. It has two intents, not one, because DIETClassifier skips
  training (and so inference) with a single intent, which would flatter it.

Why references at all: the machine is shared and noisy, so a timing means
something only as a ratio against a bot measured in the same run. Nothing
here is committed: the bots are generated and trained at run time.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veiviser import supervisor  # noqa: E402

RASA = Path(sys.executable).parent / "rasa"
BENCH_DIR = ROOT / "var" / "bench"

FLOOR_DOMAIN = """\
version: "3.1"
intents: [greet, goodbye]
responses:
  utter_greet:
    - text: "Hei! Hva kan jeg hjelpe deg med?"
  utter_default:
    - text: "Beklager, det forsto jeg ikke."
"""
FLOOR_NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hei
    - hallo
    - heisann
    - god dag
    - hei der
- intent: goodbye
  examples: |
    - ha det
    - hadet bra
    - farvel
    - snakkes
    - takk for nå
"""
FLOOR_RULES = """\
version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
"""
REST_ONLY = "rest:\n"


@dataclass(frozen=True)
class Bot:
    name: str
    model: Path
    workdir: Path  # `rasa run` starts here (its endpoints.yml, if any)
    train_s: float


def rasa_init(folder: Path = BENCH_DIR / "rasa-init", reuse: bool = False) -> Bot:
    """`rasa init --no-prompt` into a fresh folder: creates the template project and trains it (timed).

    With `reuse`, a bot made by an earlier run is used as it is (train_s 0: not timed).
    """
    models = sorted((folder / "models").glob("*.tar.gz"))
    if reuse and models:
        return Bot("rasa-init", models[-1], folder, 0.0)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)  # rasa init wants it to exist
    started = time.perf_counter()
    _rasa(["init", "--no-prompt", "--init-dir", str(folder)], cwd=ROOT, log=folder.with_suffix(".log"))
    seconds = time.perf_counter() - started
    (model,) = sorted((folder / "models").glob("*.tar.gz"))
    return Bot("rasa-init", model, folder, seconds)


def floor(folder: Path = BENCH_DIR / "floor", reuse: bool = False) -> Bot:
    """Veiviser's config.yml with one rule and no custom action, trained afresh (timed; `reuse` as above)."""
    if reuse and (folder / "models" / "floor.tar.gz").exists():
        return Bot("floor", folder / "models" / "floor.tar.gz", folder, 0.0)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    (folder / "domain.yml").write_text(FLOOR_DOMAIN, encoding="utf-8")
    (folder / "data" / "nlu.yml").write_text(FLOOR_NLU, encoding="utf-8")
    (folder / "data" / "rules.yml").write_text(FLOOR_RULES, encoding="utf-8")
    (folder / "credentials.yml").write_text(REST_ONLY, encoding="utf-8")
    started = time.perf_counter()
    _rasa(["train", "--config", str(ROOT / "config.yml"), "--domain", str(folder / "domain.yml"),
           "--data", str(folder / "data"), "--out", str(folder / "models"), "--fixed-model-name", "floor"],
          cwd=ROOT, log=folder.with_suffix(".log"))
    return Bot("floor", folder / "models" / "floor.tar.gz", folder, time.perf_counter() - started)


def train_veiviser(folder: Path = BENCH_DIR / "veiviser-train") -> Bot:
    """Veiviser's model trained from scratch (as `make model` does, into var/bench/), only to time it."""
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    _rasa(["train", "--config", "config.yml", "--domain", "bot/domain", "--data", "data", "--out", str(folder),
           "--fixed-model-name", "veiviser"], cwd=ROOT, log=folder.with_suffix(".log"))
    return Bot("veiviser", folder / "veiviser.tar.gz", ROOT, time.perf_counter() - started)


@contextmanager
def serving(bot: Bot, log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`rasa run` for a reference bot on a free loopback port, REST channel only; yields its URL and process."""
    port = supervisor.free_port()
    credentials = bot.workdir / "credentials.yml"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [str(RASA), "run", "--model", str(bot.model), "--credentials", str(credentials),
             "--port", str(port), "--interface", "127.0.0.1"],
            cwd=bot.workdir, env=_environment(), stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        supervisor.wait_until_up(url, process, f"{bot.name} (rasa run)")
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _rasa(args: list[str], cwd: Path, log: Path) -> None:
    """A training as on a fresh machine: Rasa's training cache (.rasa/cache) off, else a second run
    restores every component from it and the time means nothing."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as output:
        done = subprocess.run([str(RASA), *args], cwd=cwd, env=dict(_environment(), RASA_MAX_CACHE_SIZE="0"),
                              stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if done.returncode:
        raise RuntimeError(f"rasa {args[0]} failed with code {done.returncode}; see {log}")


def _environment() -> dict[str, str]:
    # Rasa's telemetry and error reports would send data to Rasa's servers: never.
    return dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")

