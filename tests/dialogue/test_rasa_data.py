"""Rasa's own checks on the training data and the test stories."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

RASA = str(Path(sys.executable).parent / "rasa")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_training_data_validates_without_warnings():
    result = run("data", "validate", "--domain", "bot/domain", "--data", "data", "--config", "config.yml",
                 "--fail-on-warnings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "UserWarning" not in output, output


def test_test_stories_pass(model, tmp_path):
    result = run("test", "core", "--model", str(model), "--stories", "tests/stories",
                 "--out", str(tmp_path), "--fail-on-prediction-errors")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "None of the test stories failed" in failed.read_text(), failed.read_text()
