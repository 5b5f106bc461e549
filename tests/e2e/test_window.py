"""The installed ``maestrale`` window on a virtual X display, driven like a person would."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_mistral import FakeMistral, Reply
from tests.helpers.cli import Cli, installed_command, make_cli
from tests.helpers.xvfb import wait_for_window, xdotool

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def _window(
    cli: Cli, x_display: str, log_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The installed ``maestrale`` on the display; yields it and its window's id. It is
    killed afterwards if the test did not make it quit."""
    env = {**cli.env, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    with log_path.open("w") as log:
        window = subprocess.Popen([installed_command()], env=env, stdout=log, stderr=log)
        try:
            yield window, wait_for_window(x_display, "^Maestrale$")
        finally:
            if window.poll() is None:
                window.kill()
                window.wait()


def test_type_a_question_and_find_the_streamed_answer_in_the_export(
    x_display: str, fake_mistral: FakeMistral, tmp_path: Path
) -> None:
    answer = "Lyon sits where the Rhône meets the Saône. " * 5
    fake_mistral.enqueue(Reply(text=answer.strip(), delay=0.02), Reply(text="Lyon and its rivers"))
    cli = make_cli(tmp_path, fake_mistral.base_url)
    with _window(cli, x_display, tmp_path / "window.log") as (window, window_id):
        xdotool(x_display, "windowactivate", "--sync", window_id)
        time.sleep(0.3)
        xdotool(x_display, "type", "--delay", "15", "Where is Lyon?")
        # Ctrl+K, "delete to the end of the line" in Linux text fields, opens "Search
        # chats" from the message field too (typing goes there); Ctrl+L comes back to
        # the message, untouched.
        xdotool(x_display, "key", "Home", "ctrl+k")
        xdotool(x_display, "type", "--delay", "15", "zz")
        xdotool(x_display, "key", "ctrl+l", "End", "Return")
        # The generated title replaces the window title once the answer is complete.
        wait_for_window(x_display, "Lyon and its rivers — Maestrale", timeout=30)
        _quit_with_ctrl_q(x_display, window_id)
        assert window.wait(timeout=20) == 0
    assert fake_mistral.chat_requests[0].body["messages"][-1] == {
        "role": "user",
        "content": "Where is Lyon?",
    }
    exported = cli.run("export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    (conversation,) = json.loads(exported.stdout)["conversations"]
    assert conversation["title"] == "Lyon and its rivers"
    question, reply = conversation["messages"]
    assert question["content"] == "Where is Lyon?"
    assert reply["content"] == answer.strip()
    assert reply["status"] == "complete"


def test_a_killed_window_keeps_the_partial_answer_and_the_draft(
    x_display: str, fake_mistral: FakeMistral, tmp_path: Path
) -> None:
    # SIGKILL while an answer streams and a next question waits in the field: the
    # next run finds both (the status contract says "interrupted" for such an answer).
    words = " ".join(f"word{n}" for n in range(2000))
    fake_mistral.enqueue(Reply(text=words, delay=0.01), Reply(text="Words"))
    cli = make_cli(tmp_path, fake_mistral.base_url)
    with _window(cli, x_display, tmp_path / "window.log") as (window, window_id):
        xdotool(x_display, "windowactivate", "--sync", window_id)
        time.sleep(0.3)
        xdotool(x_display, "type", "--delay", "15", "Count for me")
        xdotool(x_display, "key", "Return")
        time.sleep(0.5)
        xdotool(x_display, "type", "--delay", "15", "and then in French")
        time.sleep(1.5)  # typing paused: the draft is handed over
        window.kill()
        window.wait(timeout=20)
    exported = cli.run("export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    (conversation,) = json.loads(exported.stdout)["conversations"]
    question, reply = conversation["messages"]
    assert question["content"] == "Count for me"
    assert reply["status"] == "interrupted"
    assert words.startswith(reply["content"])
    assert "word10 " in reply["content"]  # what had arrived before the kill
    with contextlib.closing(sqlite3.connect(cli.data_dir / "history.sqlite3")) as db:
        drafts = dict(db.execute("SELECT key, text FROM drafts").fetchall())
    assert drafts == {conversation["id"]: "and then in French"}


def _quit_with_ctrl_q(x_display: str, window_id: str) -> None:
    """Ctrl+Q as typed on the keyboard, to the active window. (``xdotool key --window``
    sends events that the next window shown on the display also receives: it quit at
    once.)"""
    xdotool(x_display, "windowactivate", "--sync", window_id)
    xdotool(x_display, "key", "ctrl+q")


@pytest.mark.keychain
def test_without_a_key_the_window_opens_on_the_first_run_panel(
    x_display: str, fake_mistral: FakeMistral, tmp_path: Path, real_keychain: dict[str, str]
) -> None:
    # The keychain is asked after the first paint, from a worker thread, and finds
    # nothing: the first-run panel shows (the window test checks the panel itself).
    cli = make_cli(tmp_path, fake_mistral.base_url, key=None)
    log_file = cli.log_dir / "log" / "maestrale.log"
    with _window(cli, x_display, tmp_path / "window.log") as (window, window_id):
        deadline = time.monotonic() + 20
        while not (
            log_file.exists()
            and "the first-run panel shows" in log_file.read_text(encoding="utf-8")
        ):
            assert time.monotonic() < deadline, "the key check did not report"
            time.sleep(0.1)
        _quit_with_ctrl_q(x_display, window_id)
        assert window.wait(timeout=20) == 0
    assert fake_mistral.request_count == 0  # nothing was sent without a key


def test_sigterm_ends_the_window_for_good_with_settings_open(
    x_display: str, fake_mistral: FakeMistral, tmp_path: Path
) -> None:
    # A session's end (logout, `kill`): one SIGTERM ends Maestrale the normal way, with
    # another window of its own open too (a report said it once took two).
    cli = make_cli(tmp_path, fake_mistral.base_url)
    with _window(cli, x_display, tmp_path / "window.log") as (window, window_id):
        xdotool(x_display, "windowactivate", "--sync", window_id)
        time.sleep(0.3)
        xdotool(x_display, "key", "ctrl+comma")
        wait_for_window(x_display, "Settings")
        time.sleep(0.3)
        window.terminate()
        assert window.wait(timeout=20) == 0
