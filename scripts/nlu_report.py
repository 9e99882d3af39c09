"""Evaluate the trained model on the held-out NLU set and write docs/nlu-report.md.

Usage: .venv/bin/python scripts/nlu_report.py [--model models/veiviser.tar.gz]
Runs `rasa test nlu` on tests/nlu_holdout (never used for training) and keeps
the per-intent and per-extractor figures in the repo, so a change in quality
shows up in review.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "nlu-report.md"
# Its cues (for_whom, priority, age, language) are not annotated in the hold-out set;
# tests/dialogue/test_cues.py checks them instead.
NOT_SCORED_HERE = {"CueExtractor"}


def evaluate(model: Path, out: Path, plots: bool = False) -> None:
    """`rasa test nlu` on the held-out set into `out`; with `plots`, also Rasa's confusion matrices
    and every prediction (intent_successes.json), as bench/nlu_quality.py needs."""
    rasa = Path(sys.executable).parent / "rasa"
    extra = ["--successes"] if plots else ["--no-plot"]
    subprocess.run([str(rasa), "test", "nlu", "--model", str(model), "--nlu", "tests/nlu_holdout",
                    "--out", str(out), *extra], cwd=ROOT, check=True, capture_output=True)


def table(report: dict, title: str) -> list[str]:
    rows = [f"### {title}", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, figures in sorted(report.items()):
        if isinstance(figures, dict) and "f1-score" in figures:
            rows.append(f"| {label} | {figures['precision']:.2f} | {figures['recall']:.2f} | "
                        f"{figures['f1-score']:.2f} | {figures['support']} |")
    return rows + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiviser.tar.gz")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        evaluate(args.model, out)
        intents = json.loads((out / "intent_report.json").read_text())
        extractors = {p.stem.removesuffix("_report"): json.loads(p.read_text())
                      for p in sorted(out.glob("*_report.json")) if p.name != "intent_report.json"}
    extractors = {name: report for name, report in extractors.items() if name not in NOT_SCORED_HERE}
    lines = [
        "# NLU quality on the held-out set",
        "",
        f"Made by `scripts/nlu_report.py` on {date.today().isoformat()} from `tests/nlu_holdout` "
        "(written separately from the training data).",
        "",
        f"**Intent F1: macro {intents['macro avg']['f1-score']:.3f}, "
        f"weighted {intents['weighted avg']['f1-score']:.3f}.**",
        "",
        *table(intents, "Intents"),
        *[line for name, report in extractors.items() for line in table(report, f"Entities: {name}")],
    ]
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print(f"Wrote {REPORT}")


if __name__ == "__main__":
    main()
