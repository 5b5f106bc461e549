"""Ctrl+C and Ctrl+D where the command waits for what the user types or pipes in."""

from __future__ import annotations

import fcntl
import signal
import subprocess
import termios
import time
from pathlib import Path

import pytest

from tests.fake_mistral import FakeMistral
from tests.helpers.cli import Cli, installed_command, make_cli
from tests.helpers.terminal import Terminal

pytestmark = pytest.mark.e2e


@pytest.fixture
def cli(tmp_path: Path, fake_mistral: FakeMistral) -> Cli:
    return make_cli(tmp_path, fake_mistral.base_url)


def test_ctrl_c_at_the_key_prompt_says_cancelled_and_exits_130(cli: Cli) -> None:
    # It printed KeyboardInterrupt's traceback and died by the signal.
    terminal = Terminal(cli, "key", "set")
    terminal.read_until("API key (input hidden): ")
    terminal.type(b"\x03")
    assert terminal.finish() == 130
    assert "Traceback" not in terminal.output
    assert terminal.output.rstrip().endswith("\nmaestrale: cancelled.")


def test_ctrl_d_at_the_key_prompt_says_no_key_was_given(cli: Cli) -> None:
    # It said "unexpected failure (EOFError: )" and exit status 1, as for a bug.
    terminal = Terminal(cli, "key", "set")
    terminal.read_until("API key (input hidden): ")
    terminal.type(b"\x04")
    assert terminal.finish() == 2
    assert "unexpected" not in terminal.output
    assert terminal.output.rstrip().endswith(
        "\nmaestrale: no key given: run maestrale key set again and paste the API key "
        "from console.mistral.ai."
    )


def test_ctrl_c_while_the_question_is_piped_in_says_cancelled(cli: Cli) -> None:
    # `sleep 5 | maestrale ask`, then Ctrl+C: a traceback from sys.stdin.read().
    process = subprocess.Popen(
        [installed_command(), "ask"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli.env,
    )
    assert process.stdin is not None
    process.stdin.write(b"The start of a question ")
    process.stdin.flush()
    # Once the pipe is empty the command has read it, and waits for the rest.
    deadline = time.monotonic() + 20
    while _waiting_in_pipe(process.stdin.fileno()):
        assert time.monotonic() < deadline, "the question was never read"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, errors = process.communicate(timeout=20)
    assert process.returncode == 130
    assert errors.decode() == "maestrale: cancelled.\n"
    assert out == b""
    assert "No conversations" in cli.run("list").stderr  # nothing was asked


def _waiting_in_pipe(fd: int) -> int:
    count = bytearray(4)
    fcntl.ioctl(fd, termios.FIONREAD, count)
    return int.from_bytes(count, "little")
