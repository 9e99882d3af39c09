"""Rasa's own checks on the training data and the test stories."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

RASA = str(Path(sys.executable).parent / "rasa")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def responses_sent_by_code() -> set[str]:
    """Rasa's validator cannot see responses that custom actions or channels send or quote from."""
    sources = [*(ROOT / "actions").glob("*.py"), *(ROOT / "bot").rglob("*.py")]
    return {name for path in sources for name in re.findall(r'"(utter_\w+)"', path.read_text())}


def questions_asked_by_forms() -> set[str]:
    """A form asks for slot X with utter_ask_X, which the validator does not count as used."""
    forms = yaml.safe_load((ROOT / "bot" / "domain" / "core.yml").read_text())["forms"]
    return {f"utter_ask_{slot}" for form in forms.values() for slot in form["required_slots"]}


def test_training_data_validates_without_warnings():
    result = run("data", "validate", "--domain", "bot/domain", "--data", "data", "--config", "config.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warnings = re.findall(r"UserWarning: (.*)", output)
    unused = {m for w in warnings for m in re.findall(r"The utterance '(\w+)' is not used in any story or rule", w)}
    others = [w for w in warnings if "is not used in any story or rule" not in w]
    assert not others, others
    explained = responses_sent_by_code() | questions_asked_by_forms()
    assert unused <= explained, unused - explained


def test_test_stories_pass(model, tmp_path):
    result = run("test", "core", "--model", str(model), "--stories", "tests/stories",
                 "--out", str(tmp_path), "--fail-on-prediction-errors")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "None of the test stories failed" in failed.read_text(), failed.read_text()
