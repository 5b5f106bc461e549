"""The installed ``maestrale`` window on a virtual X display, driven like a person would."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.fake_mistral import FakeMistral, Reply
from tests.helpers.cli import installed_command, make_cli
from tests.helpers.xvfb import wait_for_window, xdotool

pytestmark = pytest.mark.e2e


def test_type_a_question_and_find_the_streamed_answer_in_the_export(
    x_display: str, fake_mistral: FakeMistral, tmp_path: Path
) -> None:
    answer = "Lyon sits where the Rhône meets the Saône. " * 5
    fake_mistral.enqueue(Reply(text=answer.strip(), delay=0.02), Reply(text="Lyon and its rivers"))
    cli = make_cli(tmp_path, fake_mistral.base_url)
    env = {**cli.env, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    log = (tmp_path / "window.log").open("w")
    window = subprocess.Popen([installed_command()], env=env, stdout=log, stderr=log)
    try:
        window_id = wait_for_window(x_display, "^Maestrale$")
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
        xdotool(x_display, "key", "--window", window_id, "ctrl+q")
        assert window.wait(timeout=20) == 0
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
        log.close()
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
    assert os.path.getsize(tmp_path / "window.log") >= 0
