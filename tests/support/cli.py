"""Running the `veiviser catalog` command as staff do, in a process of its own."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VEIVISER = str(Path(sys.executable).parent / "veiviser")


def veiviser(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([VEIVISER, "catalog", "--url", url, *args], capture_output=True, text=True, timeout=120)
