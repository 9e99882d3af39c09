"""Start and stop the local stack: action server, Rasa server, chat page and staff lookup.

`make run` and the end-to-end tests both use this, so what the tests prove
is what a person runs. The reliability tests stop single processes
(`stop_process`) to prove the person still gets an answer.
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from bot import retention

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 180
TOKEN_SETTING = "VEIVISER_RASA_TOKEN"
ORIGINS_SETTING = "VEIVISER_ALLOWED_ORIGINS"


@dataclass(frozen=True)
class Ports:
    rasa: int = 5005
    actions: int = 5055
    web: int = 8000
    staff: int = 8001

    @classmethod
    def free(cls) -> Ports:
        """Ports nobody listens on now, so tests and benchmarks never meet a running `make run`."""
        return cls(rasa=free_port(), actions=free_port(), web=free_port(), staff=free_port())


@dataclass
class Stack:
    ports: Ports
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.actions}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}"

    @property
    def staff_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.staff}"


def free_port() -> int:
    """A port nobody listens on now, for tests and benchmarks that start their own stack."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _spawn(args: list[str], env: dict[str, str], log: Path | None) -> subprocess.Popen:
    """Each process gets its own group so Ctrl-C and teardown reach its children too."""
    output = open(log, "ab") if log else None
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None,
        start_new_session=True,
    )


def wait_until_up(url: str, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{name} did not answer on {url} within {START_TIMEOUT_S} s")


def _unset_credential_variables(env: dict[str, str]) -> dict[str, str]:
    """Rasa refuses to start on a ${VAR} in credentials.yml that is not set; empty turns that channel off."""
    names = re.findall(r"\$\{(\w+)\}", (ROOT / "credentials.yml").read_text(encoding="utf-8"))
    return {name: "" for name in names if name not in env}


def _environment(ports: Ports, settings: Mapping[str, str]) -> dict[str, str]:
    env = {**os.environ, **settings}
    env.update(_unset_credential_variables(env))
    env["VEIVISER_ACTION_URL"] = f"http://127.0.0.1:{ports.actions}/webhook"
    env.setdefault("VEIVISER_CATALOG_URL", f"sqlite:///{ROOT / 'var' / 'catalogue.sqlite'}")
    env.setdefault(retention.TRACKER_URL_SETTING, retention.tracker_url())
    # Rasa's HTTP API stays off (no --enable-api); the token guards it should anyone turn it on.
    env.setdefault(TOKEN_SETTING, secrets.token_urlsafe(32))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Rasa's telemetry and error reports would send data to Rasa's servers: never.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    return env


def start(ports: Ports, model: Path, log_dir: Path | None = None, with_web: bool = True,
          settings: Mapping[str, str] | None = None, rasa_args: Sequence[str] = (),
          action_url: str | None = None) -> Stack:
    """`settings` override the environment for the stack's processes (the tests' databases, timeouts).

    `rasa_args` are added to `rasa run` (e.g. --enable-api); `action_url` makes Rasa call the action
    server there instead of directly (the benchmark's timing proxy, bench/breakdown.py).
    """
    stack = Stack(ports)
    env = _environment(ports, settings or {})
    (ROOT / "var").mkdir(exist_ok=True)  # the default conversations database and pseudonym key live there
    log = (lambda name: log_dir / f"{name}.log") if log_dir else (lambda name: None)
    try:
        actions = _spawn(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(ports.actions)],
            env, log("actions"),
        )
        stack.processes["actions"] = actions
        rasa = _spawn(
            [str(BIN / "rasa"), "run", "--model", str(model), "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--port", str(ports.rasa), "--interface", "127.0.0.1",
             "--auth-token", env[TOKEN_SETTING], "--cors", *_allowed_origins(ports, env), *rasa_args],
            dict(env, VEIVISER_ACTION_URL=action_url or env["VEIVISER_ACTION_URL"]), log("rasa"),
        )
        stack.processes["rasa"] = rasa
        if with_web:
            web = _spawn(
                [sys.executable, "-m", "veiviser.chat_page", "--port", str(ports.web),
                 "--rasa-port", str(ports.rasa)],
                env, log("web"),
            )
            stack.processes["web"] = web
            staff = _spawn([sys.executable, "-m", "staff_web", "--port", str(ports.staff)], env, log("staff"))
            stack.processes["staff"] = staff
            wait_until_up(stack.web_url, web, "chat page")
            wait_until_up(stack.staff_url, staff, "staff lookup")
        wait_until_up(f"{stack.actions_url}/health", actions, "action server")
        wait_until_up(stack.rasa_url, rasa, "Rasa server")
    except BaseException:
        stop(stack)
        raise
    return stack


def _allowed_origins(ports: Ports, env: Mapping[str, str]) -> list[str]:
    """The sites whose pages may call the Rasa server from a browser: the chat page, not any site.

    VEIVISER_ALLOWED_ORIGINS (space-separated) adds the sites that embed the widget.
    """
    chat_page = [f"http://{host}:{ports.web}" for host in ("127.0.0.1", "localhost")]
    return chat_page + env.get(ORIGINS_SETTING, "").split()


def stop(stack: Stack, grace_s: float = 10.0) -> None:
    _terminate(list(stack.processes.values()), grace_s)


def stop_process(stack: Stack, name: str, grace_s: float = 10.0) -> None:
    """Stop one process ("actions", "rasa", "web" or "staff") and leave the others running."""
    _terminate([stack.processes[name]], grace_s)


def _terminate(processes: list[subprocess.Popen], grace_s: float) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running(ports: Ports, model: Path, log_dir: Path | None = None, with_web: bool = True,
            settings: Mapping[str, str] | None = None, rasa_args: Sequence[str] = (),
            action_url: str | None = None) -> Iterator[Stack]:
    stack = start(ports, model, log_dir, with_web, settings, rasa_args, action_url)
    try:
        yield stack
    finally:
        stop(stack)
