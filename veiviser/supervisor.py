"""Start and stop the local stack: action server, Rasa server, chat page and staff lookup.

`make run` and the end-to-end tests both use this, so what the tests prove
is what a person runs. The reliability tests stop single processes
(`stop_process`) to prove the person still gets an answer. `start_replicas`
starts several Rasa and action servers behind round-robin proxies instead
(tests/scaleout, bench/scaleout.py).
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
from typing import Callable, Iterator, Mapping, Sequence

from staff_web.links import STAFF_URL_SETTING
from bot.stores import retention

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 180
TOKEN_SETTING = "VEIVISER_RASA_TOKEN"
ORIGINS_SETTING = "VEIVISER_ALLOWED_ORIGINS"
ACTIONS_HOST_SETTING = "VEIVISER_ACTIONS_HOST"
PRIVATE_FILES = 0o077  # umask of every process the supervisor starts
# Read by Sanic from the environment before Rasa sets up CORS (sanic-cors takes its options from app.config):
# a preflight may be cached for 10 minutes (sanic-cors sent "None"), and a request without an Origin gets no
# CORS headers at all (it sent the allowed origin to anyone who asked).
CORS_SETTINGS = {"SANIC_CORS_MAX_AGE": "600", "SANIC_CORS_ALWAYS_SEND": "false"}
_LOGS: dict[int, Path] = {}  # process id -> its log file, for the error when a start fails


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
    # With replicas: each Rasa server's own URL (rasa_url is then the round-robin proxy's).
    rasa_replica_urls: list[str] = field(default_factory=list)

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
    output = open(log, "ab", opener=lambda path, flags: os.open(path, flags, 0o600)) if log else None
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None,
        start_new_session=True,
        umask=PRIVATE_FILES,  # conversations, logs and keys they write are readable by this user only
    )
    if log:
        _LOGS[process.pid] = log
    return process


def wait_until_up(url: str, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} while starting{_log_tail(process)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{name} did not answer on {url} within {START_TIMEOUT_S} s")


def _log_tail(process: subprocess.Popen, lines: int = 20) -> str:
    """The end of a process's log, so a failed start in CI says why without a second run."""
    log = _LOGS.get(process.pid)
    if not log or not log.exists():
        return ""
    tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return f"; the end of {log}:\n" + "\n".join(tail)


def _unset_credential_variables(env: dict[str, str]) -> dict[str, str]:
    """Rasa refuses to start on a ${VAR} in credentials.yml that is not set; empty turns that channel off."""
    names = re.findall(r"\$\{(\w+)\}", (ROOT / "credentials.yml").read_text(encoding="utf-8"))
    return {name: "" for name in names if name not in env}


# endpoints.yml's settings that may be left unset; empty ones are not listed (an empty password is none).
ENDPOINT_DEFAULTS = {"VEIVISER_LOCK_STORE": "in_memory", "VEIVISER_REDIS_PORT": "6379", "VEIVISER_REDIS_DB": "1"}


def _unset_endpoint_variables(env: dict[str, str]) -> dict[str, str]:
    """As for credentials: Rasa stops on an unset ${VAR}; the defaults keep one server in memory."""
    names = re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    return {name: ENDPOINT_DEFAULTS.get(name, "") for name in names if not env.get(name)}


def _environment(ports: Ports, settings: Mapping[str, str]) -> dict[str, str]:
    env = {**os.environ, **settings}
    env.update(_unset_credential_variables(env))
    env["VEIVISER_ACTION_URL"] = f"http://127.0.0.1:{ports.actions}/webhook"
    env.setdefault("VEIVISER_CATALOG_URL", f"sqlite:///{ROOT / 'var' / 'catalogue.sqlite'}")
    env.setdefault(retention.TRACKER_URL_SETTING, retention.tracker_url())
    # Where the bot links staff to the printable list of the same search (staff_web/links.py).
    env.setdefault(STAFF_URL_SETTING, f"http://127.0.0.1:{ports.staff}")
    # Rasa's HTTP API stays off (no --enable-api); the token guards it should anyone turn it on.
    env.setdefault(TOKEN_SETTING, secrets.token_urlsafe(32))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Rasa's telemetry and error reports would send data to Rasa's servers: never.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.update(_unset_endpoint_variables(env))  # last: the URLs above are set by then
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
    log = _log_paths(log_dir)
    try:
        actions = stack.processes["actions"] = _action_server(ports.actions, env, log("actions"))
        rasa_env = dict(env, VEIVISER_ACTION_URL=action_url or env["VEIVISER_ACTION_URL"])
        rasa = stack.processes["rasa"] = _rasa_server(ports.rasa, model, ports, rasa_env, log("rasa"), rasa_args)
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


def start_replicas(count: int, model: Path, log_dir: Path | None = None,
                   settings: Mapping[str, str] | None = None) -> Stack:
    """`count` action servers and `count` Rasa servers, each kind behind a round-robin proxy.

    The returned stack's rasa_url and actions_url are the proxies', so a
    client and the Rasa servers alike see one address per service, as behind
    a load balancer. Several Rasa servers need the shared stores in
    `settings`: a PostgreSQL VEIVISER_TRACKER_URL and the Redis lock store
    (VEIVISER_LOCK_STORE and VEIVISER_REDIS_*, docs/deploy.md). No chat page or staff lookup: they do not scale here.
    """
    ports = Ports.free()
    stack = Stack(ports)
    env = _environment(ports, settings or {})  # VEIVISER_ACTION_URL: the action servers' proxy
    log = _log_paths(log_dir)
    try:
        action_ports = [free_port() for _ in range(count)]
        for n, port in enumerate(action_ports):
            stack.processes[f"actions-{n}"] = _action_server(port, env, log(f"actions-{n}"))
        stack.processes["actions-proxy"] = _round_robin(ports.actions, action_ports, env, log("actions-proxy"))
        for n, port in enumerate(action_ports):
            wait_until_up(f"http://127.0.0.1:{port}/health", stack.processes[f"actions-{n}"], f"action server {n}")
        rasa_ports = [free_port() for _ in range(count)]
        for n, port in enumerate(rasa_ports):
            # One at a time: the first creates the tracker store's tables, which two at once could both try.
            stack.processes[f"rasa-{n}"] = _rasa_server(port, model, ports, env, log(f"rasa-{n}"))
            stack.rasa_replica_urls.append(f"http://127.0.0.1:{port}")
            wait_until_up(stack.rasa_replica_urls[-1], stack.processes[f"rasa-{n}"], f"Rasa server {n}")
        stack.processes["rasa-proxy"] = _round_robin(ports.rasa, rasa_ports, env, log("rasa-proxy"))
        wait_until_up(f"{stack.actions_url}/health", stack.processes["actions-proxy"], "action servers' proxy")
        wait_until_up(stack.rasa_url, stack.processes["rasa-proxy"], "Rasa servers' proxy")
    except BaseException:
        stop(stack)
        raise
    return stack


def _log_paths(log_dir: Path | None) -> Callable[[str], Path | None]:
    return (lambda name: log_dir / f"{name}.log") if log_dir else (lambda name: None)


def _action_server(port: int, env: dict[str, str], log: Path | None) -> subprocess.Popen:
    """Loopback only unless VEIVISER_ACTIONS_HOST says otherwise: the action server has no authentication."""
    env = {**env, "SANIC_HOST": env.get(ACTIONS_HOST_SETTING, "127.0.0.1")}
    return _spawn([str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)], env, log)


def _rasa_server(port: int, model: Path, ports: Ports, env: dict[str, str], log: Path | None,
                 rasa_args: Sequence[str] = ()) -> subprocess.Popen:
    """`ports` are the stack's public ones (the chat page's origin may call this server)."""
    env = {**CORS_SETTINGS, **env}
    return _spawn([str(BIN / "rasa"), *rasa_run_arguments(port, model, ports, env, rasa_args)], env, log)


def rasa_run_arguments(port: int, model: Path, ports: Ports, env: Mapping[str, str],
                       rasa_args: Sequence[str] = ()) -> list[str]:
    """The token guards only Rasa's HTTP API, so it goes on the command line (where `ps` shows it) only with the API."""
    # One argument with "=": a random token may start with "-", which argparse would take for an option.
    token = [f"--auth-token={env[TOKEN_SETTING]}"] if "--enable-api" in rasa_args else []
    return ["run", "--model", str(model), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml", "--port", str(port), "--interface", "127.0.0.1",
            *token, "--cors", *_allowed_origins(ports, env), *rasa_args]


def _round_robin(port: int, backend_ports: list[int], env: dict[str, str], log: Path | None) -> subprocess.Popen:
    backends = [arg for p in backend_ports for arg in ("--backend", f"http://127.0.0.1:{p}")]
    return _spawn([sys.executable, "-m", "veiviser.round_robin", "--port", str(port), *backends], env, log)


def _allowed_origins(ports: Ports, env: Mapping[str, str]) -> list[str]:
    """The sites whose pages may call the Rasa server from a browser: the chat page, not any site.

    VEIVISER_ALLOWED_ORIGINS (space-separated) adds the sites that embed the widget.
    """
    chat_page = [f"http://{host}:{ports.web}" for host in ("127.0.0.1", "localhost")]
    return chat_page + env.get(ORIGINS_SETTING, "").split()


def stop(stack: Stack, grace_s: float = 10.0) -> None:
    _terminate(list(stack.processes.values()), grace_s)


def stop_process(stack: Stack, name: str, grace_s: float = 10.0) -> None:
    """Stop one process ("actions", "rasa", "web", "staff"; "rasa-0" etc. with replicas), leave the others."""
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
