"""`veiviser run` (what `make run` ends with): prints the URLs, serves the pages, stops on Ctrl-C."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from harness import stack_client
from tests.conftest import ROOT
from harness.stack_client import say
from veiviser.supervisor import Ports, Stack

pytestmark = pytest.mark.e2e


def test_run_serves_the_chat_and_stops_cleanly_on_ctrl_c(model: Path, catalogue_url: str, tmp_path: Path):
    ports = Ports.free()
    command = [str(Path(sys.executable).parent / "veiviser"), "run", "--model", str(model),
               "--rasa-port", str(ports.rasa), "--actions-port", str(ports.actions), "--web-port", str(ports.web),
               "--staff-port", str(ports.staff)]
    env = {**os.environ, **stack_client.settings(tmp_path, catalogue_url)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if "Ctrl-C" in line:
                break
        assert f"http://127.0.0.1:{ports.web}" in "".join(printed), printed
        assert f"Staff lookup: http://127.0.0.1:{ports.staff}" in "".join(printed), printed
        assert f"SMS webhooks: http://127.0.0.1:{ports.rasa}/webhooks/sms/webhook" in "".join(printed), printed
        with urllib.request.urlopen(f"http://127.0.0.1:{ports.rasa}/webhooks/sms", timeout=10) as sms_status:
            assert json.load(sms_status)["status"] == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{ports.web}", timeout=10) as page:
            assert "Veiviser" in page.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{ports.staff}/?place=Bergen", timeout=10) as page:
            assert "for Bergen" in page.read().decode()
        assert say(Stack(ports), "run-test", "vennen min har tatt overdose")[0].startswith("Ring 113")

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    for port in (ports.rasa, ports.actions, ports.web, ports.staff):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}", timeout=2)
