"""Quick prompts with the installed command on a virtual X display: the global shortcut,
a template's shortcut on the clipboard, `maestrale quick`, and one instance only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_mistral import FakeMistral, Reply
from tests.helpers.cli import Cli, installed_command, make_cli
from tests.helpers.xvfb import wait_for_window, xdotool

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

QUICK_TITLE = "^Quick prompt — Maestrale$"
MAIN_TITLE = "Maestrale$"

TEMPLATES = """
[[template]]
name = "Shout"
description = "Upper case"
shortcut = "Ctrl+Alt+U"
prompt = \"\"\"
Write this in capitals: {clipboard}
\"\"\"
"""


class Running:
    """A `maestrale` started in the background on the virtual display."""

    def __init__(self, cli: Cli, display: str, *args: str) -> None:
        self.env = {**cli.env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        self.env.pop("PYTHON_KEYRING_BACKEND", None)
        self.log = (cli.home / f"window-{time.monotonic_ns()}.log").open("w")
        self.process = subprocess.Popen(
            [installed_command(), *args], env=self.env, stdout=self.log, stderr=self.log
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # handled: the window closes properly
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def cli(tmp_path: Path, fake_mistral: FakeMistral) -> Cli:
    made = make_cli(tmp_path, fake_mistral.base_url)
    config = Path(made.env["XDG_CONFIG_HOME"]) / "maestrale"
    config.mkdir(parents=True)
    (config / "templates.toml").write_text(TEMPLATES, encoding="utf-8")
    return made


@pytest.fixture
def app(cli: Cli, x_display: str) -> Iterator[Running]:
    running = Running(cli, x_display)
    try:
        wait_for_window(x_display, MAIN_TITLE)
        # The global shortcuts are registered just after the first paint, then grabbed
        # by the shortcuts' own thread: a key pressed before that goes elsewhere.
        log_file = cli.log_dir / "log" / "maestrale.log"
        grabbed = [f"Global shortcut {keys} grabbed" for keys in ("Ctrl+Alt+Space", "Ctrl+Alt+U")]
        wait_until(
            lambda: (
                log_file.exists()
                and all(line in log_file.read_text(encoding="utf-8") for line in grabbed)
            )
        )
        yield running
    finally:
        running.stop()


def exported(cli: Cli) -> list[dict[str, object]]:
    result = cli.run("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    conversations: list[dict[str, object]] = json.loads(result.stdout)["conversations"]
    return conversations


def wait_until(predicate, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_global_shortcut_quick_question_lands_in_the_history(
    app: Running, cli: Cli, x_display: str, fake_mistral: FakeMistral
) -> None:
    fake_mistral.enqueue(Reply(text="Quick answer, streamed in pieces.", delay=0.02))
    xdotool(x_display, "key", "ctrl+alt+space")
    window = wait_for_window(x_display, QUICK_TITLE, timeout=10)
    xdotool(x_display, "windowactivate", "--sync", window)
    xdotool(x_display, "type", "--delay", "15", "Quick question?")
    xdotool(x_display, "key", "Return")
    wait_until(
        lambda: any(
            c["messages"] and len(c["messages"]) == 2 and c["messages"][1]["status"] == "complete"
            for c in exported(cli)
        )
    )
    (conversation,) = exported(cli)
    question, answer = conversation["messages"]
    assert question["content"] == "Quick question?"
    assert answer["content"] == "Quick answer, streamed in pieces."
    assert conversation["kind"] == "quick"


@pytest.mark.skipif(shutil.which("xclip") is None, reason="xclip not installed (.ci/run does)")
def test_a_template_shortcut_runs_on_the_clipboard(
    app: Running, cli: Cli, x_display: str, fake_mistral: FakeMistral
) -> None:
    subprocess.run(
        ["xclip", "-selection", "clipboard"],
        input="hello from the clipboard",
        text=True,
        env={**app.env},
        check=True,
        timeout=10,
    )
    fake_mistral.enqueue(Reply(text="HELLO FROM THE CLIPBOARD"))
    xdotool(x_display, "key", "ctrl+alt+u")
    wait_for_window(x_display, QUICK_TITLE, timeout=10)
    wait_until(lambda: fake_mistral.request_count >= 1)
    prompt = fake_mistral.chat_requests[0].body["messages"][-1]["content"]
    assert prompt.strip() == "Write this in capitals: hello from the clipboard"


def test_maestrale_quick_with_a_running_instance(app: Running, cli: Cli, x_display: str) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [installed_command(), "quick"],
        env=app.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    wait_for_window(x_display, QUICK_TITLE, timeout=10)
    assert time.monotonic() - started < 10
    assert app.process.poll() is None  # handed over, nothing new started


def test_a_second_start_hands_over_to_the_first(app: Running, cli: Cli, x_display: str) -> None:
    main = wait_for_window(x_display, MAIN_TITLE)
    xdotool(x_display, "windowminimize", "--sync", main)
    second = subprocess.run(
        [installed_command()], env=app.env, capture_output=True, text=True, timeout=30, check=False
    )
    assert second.returncode == 0, second.stderr
    wait_for_window(x_display, MAIN_TITLE, timeout=10)  # shown again by the first instance
    assert app.process.poll() is None


def test_new_chat_opens_the_window_on_a_new_chat_started_or_handed_over(
    cli: Cli, x_display: str
) -> None:
    # The desktop entry's "New chat" ran plain maestrale-gui: the running window came
    # forward on the conversation it showed, and a new one reopened the last one.
    assert cli.run("ask", "Where is Lyon?").returncode == 0
    conversation = json.loads(cli.run("list", "--json").stdout)[0]["id"]
    state = cli.config_dir / "state.json"
    state.write_text(json.dumps({"last_conversation": conversation}), encoding="utf-8")
    running = Running(cli, x_display)
    try:
        window = wait_for_window(x_display, "^Where is Lyon")
        second = subprocess.run(
            [installed_command(), "--new-chat"],
            env=running.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        wait_for_window(x_display, f"^{MAIN_TITLE}", timeout=10)
        assert running.process.poll() is None  # handed over, nothing new started
        # The desktop entry names the window's class, for docks to match it.
        entry = ROOT / "packaging" / "linux" / "maestrale.desktop"
        wm_class = f"StartupWMClass={_wm_class(x_display, window)}"
        assert wm_class in entry.read_text(encoding="utf-8").splitlines()
    finally:
        running.stop()
    state.write_text(json.dumps({"last_conversation": conversation}), encoding="utf-8")
    running = Running(cli, x_display, "--new-chat")
    try:
        window = wait_for_window(x_display, f"^{MAIN_TITLE}")
        # Once it answers a second start its loop has run, and the last conversation
        # would have been reopened.
        shown = subprocess.run(
            [installed_command()], env=running.env, capture_output=True, timeout=30, check=False
        )
        assert shown.returncode == 0
        assert xdotool(x_display, "getwindowname", window) == "Maestrale"
    finally:
        running.stop()


def _wm_class(display: str, window: str) -> str:
    """The class part of the window's WM_CLASS ("maestrale-gui", "Maestrale")."""
    shown = subprocess.run(
        ["xprop", "-id", window, "WM_CLASS"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    return shown.split(",")[-1].strip().strip('"')


def test_maestrale_quick_without_an_instance_starts_one(cli: Cli, x_display: str) -> None:
    env = {**cli.env, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    result = subprocess.run(
        [installed_command(), "quick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr  # returns at once, the app starts aside
    window = wait_for_window(x_display, QUICK_TITLE, timeout=30)
    assert window
    # It is a real instance: a second `maestrale quick` hands over to it.
    again = subprocess.run(
        [installed_command(), "quick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert again.returncode == 0
    pid = xdotool(x_display, "getwindowpid", window)
    assert pid.isdigit()
    subprocess.run(["kill", "-TERM", pid], check=False)
    deadline = time.monotonic() + 20
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists()


def test_maestrale_quick_with_an_unknown_template_says_so(cli: Cli) -> None:
    result = cli.run("quick", "--template", "No such thing")
    assert result.returncode == 2
    assert "no quick prompt template named “No such thing”" in result.stderr
    assert "Templates: “Shout”" in result.stderr  # the fixture's one template, by name
