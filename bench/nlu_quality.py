"""NLU quality on the held-out split: intent and entity F1, crisis recall and false alarms, confusion plot.

`rasa test nlu` runs as scripts/nlu_report.py runs it (tests/nlu_holdout,
never trained on), with Rasa's plots and every prediction kept. Crisis is
scored twice, because a missed crisis is a defect:

- pipeline: the held-out examples, as the trained model (CrisisGuard last)
  labels them; recall over the crisis examples, false alarms over the rest.
- guard: conversation.crisis.detect_crisis alone (it also runs in the channel layer)
  over tests/crisis_phrasings.yml; false alarms over its not_crisis
  phrasings and every non-crisis held-out example.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from conversation.crisis import CRISIS_INTENTS, detect_crisis  # noqa: E402
from nlu_report import NOT_SCORED_HERE, evaluate  # noqa: E402

PHRASINGS = ROOT / "tests" / "crisis_phrasings.yml"


def measure(model: Path, out: Path, plots: Path) -> dict[str, Any]:
    """Run the evaluation into `out`; copy the intent confusion matrix to `plots`; return the figures."""
    shutil.rmtree(out, ignore_errors=True)
    evaluate(model, out, plots=True)
    intents = json.loads((out / "intent_report.json").read_text())
    predictions = [
        (p["text"], p["intent"], (p.get("intent_prediction") or {}).get("name"))
        for name in ("intent_successes.json", "intent_errors.json") if (out / name).exists()
        for p in json.loads((out / name).read_text())
    ]
    confusion = plots / "nlu_confusion.png"
    shutil.copyfile(out / "intent_confusion_matrix.png", confusion)
    return {
        "intent_f1": {label: round(f["f1-score"], 3) for label, f in sorted(intents.items())
                      if isinstance(f, dict) and label not in ("macro avg", "weighted avg", "micro avg")},
        "intent_macro_f1": round(intents["macro avg"]["f1-score"], 3),
        "intent_weighted_f1": round(intents["weighted avg"]["f1-score"], 3),
        "examples": len(predictions),
        "entity_f1": _entity_f1(out),
        "crisis_pipeline": crisis_rates([(gold, predicted) for _, gold, predicted in predictions]),
        "crisis_guard": _guard_rates([text for text, gold, _ in predictions if gold not in CRISIS_INTENTS]),
        "confusion_png": confusion.name,
    }


def crisis_rates(pairs: list[tuple[str, str | None]]) -> dict[str, Any]:
    """Recall (a crisis labelled as any crisis) and false-alarm rate (anything else labelled as one)."""
    crises = [predicted in CRISIS_INTENTS for gold, predicted in pairs if gold in CRISIS_INTENTS]
    others = [predicted in CRISIS_INTENTS for gold, predicted in pairs if gold not in CRISIS_INTENTS]
    return {
        "crises": len(crises), "caught": sum(crises),
        "recall": round(sum(crises) / len(crises), 3) if crises else None,
        "others": len(others), "false_alarms": sum(others),
        "false_alarm_rate": round(sum(others) / len(others), 3) if others else None,
    }


def _guard_rates(ordinary_holdout: list[str]) -> dict[str, Any]:
    phrasings = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    pairs = [(intent, detect_crisis(text)) for intent in CRISIS_INTENTS for text in phrasings[intent]]
    pairs += [("not_crisis", detect_crisis(text)) for text in [*phrasings["not_crisis"], *ordinary_holdout]]
    return crisis_rates(pairs)


def _entity_f1(out: Path) -> dict[str, dict[str, Any]]:
    """Per extractor: micro F1 over all entity labels, and precision, recall and F1 per label.

    Per label matters: PlaceExtractor only ever finds places, so its micro F1 over every label says little.
    """
    figures = {}
    for path in sorted(out.glob("*_report.json")):
        name = path.stem.removesuffix("_report")
        if path.name == "intent_report.json" or name in NOT_SCORED_HERE:
            continue
        report = json.loads(path.read_text())
        labels = {label: {key: round(f[key], 3) for key in ("precision", "recall", "f1-score")} | {"support": f["support"]}
                  for label, f in sorted(report.items())
                  if isinstance(f, dict) and "f1-score" in f and not label.endswith(" avg")}
        figures[name] = {"micro_f1": round((report.get("micro avg") or report.get("weighted avg") or {}).get("f1-score", 0.0), 3),
                         "labels": labels}
    return figures
