"""Importing the actions defines them and nothing else: no thread, no logging changes (issue 15).

The running server's set-up (scrubbed failure logs, the catalogue warmed) is rasa_sdk_plugins'
job, where rasa_sdk builds the server; the action server tests run it for real.
"""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import logging, threading
handlers = {name: list(logging.getLogger(name).handlers) for name in ("", "rasa_sdk", "sanic.error")}
import actions, actions.find_services, actions.report_error, actions.handoff, actions.treatment_choice
assert [t.name for t in threading.enumerate()] == ["MainThread"], threading.enumerate()
assert handlers == {name: list(logging.getLogger(name).handlers) for name in handlers}
print("clean")
"""


def test_importing_the_actions_starts_nothing():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "clean", result.stderr[-2000:]
