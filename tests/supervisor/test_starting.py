"""Starting the stack: what Rasa is told, and what a failed start says."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rasa.__main__ import create_argument_parser

from veiviser import supervisor


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "--two", "plain_token"])
def test_rasa_reads_every_token_as_the_token(token: str) -> None:
    """Tokens are random URL-safe text, so one start in 64 used to get a token beginning with "-"."""
    env = {supervisor.TOKEN_SETTING: token}
    arguments = supervisor.rasa_run_arguments(5005, Path("models/veiviser.tar.gz"), supervisor.Ports(), env,
                                              ("--enable-api",))
    parsed = create_argument_parser().parse_args(arguments)
    assert parsed.auth_token == token


def test_without_the_http_api_no_token_is_on_the_command_line() -> None:
    """`ps` shows every process's arguments to every user (issue 17); the token guards only the API, which is off."""
    env = {supervisor.TOKEN_SETTING: "secret-token-value"}
    arguments = supervisor.rasa_run_arguments(5005, Path("models/veiviser.tar.gz"), supervisor.Ports(), env)
    assert not any("secret-token-value" in argument or "auth-token" in argument for argument in arguments)


def test_a_process_that_dies_while_starting_shows_the_end_of_its_log(tmp_path: Path) -> None:
    log = tmp_path / "dies.log"
    process = supervisor._spawn([sys.executable, "-c", "print('the reason it stopped'); raise SystemExit(3)"],
                                {}, log)
    with pytest.raises(RuntimeError, match="(?s)exited with code 3.*the reason it stopped"):
        supervisor.wait_until_up(f"http://127.0.0.1:{supervisor.free_port()}", process, "dying server")
