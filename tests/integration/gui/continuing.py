"""What the Continue tests share: replies that bring nothing new, the history as
another process (or the next start, after a kill) reads it, and the notices shown."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.ui.toast import Toast
from app.ui.transcript.item import MessageItem
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui

CONTINUE_FAILED = "Continue failed; the answer is unchanged."


def echo_then_silence(text: str) -> Reply:
    """A reply that repeats ``text`` (the answer it is asked to carry on, as some
    servers do) and then sends nothing more before the test ends."""
    pieces = [text[: len(text) // 2], text[len(text) // 2 :], " more"]
    return Reply(chunks=pieces, stall_after=2, stall_seconds=30)


def echo_then_broken(text: str) -> Reply:
    """A reply that repeats ``text`` and then loses its connection."""
    pieces = [text[: len(text) // 2], text[len(text) // 2 :], " more"]
    return Reply(chunks=pieces, cut_after=2)


async def older_answer(gui: Gui, later: str = "Later answer.") -> MessageItem:
    """A conversation whose first answer broke off after "one two" and a later
    exchange under it (its answer ``later``); returns that first answer, shown with
    its Continue."""
    gui.server.enqueue(Reply(text="one two three four", cut_after=2), Reply(text=later))
    await gui.ask("Count")
    await gui.until(gui.answered)
    await gui.ask("Later question")
    await gui.until(lambda: gui.answered() and len(gui.pane.transcript.message_ids) == 4)
    older = gui.pane.transcript.item(gui.pane.transcript.message_ids[1])
    assert older is not None
    assert older.message.content == "one two"
    assert older._continue.isVisible()
    return older


def history_rows(gui: Gui) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every row of the conversations and messages tables, every column (times of the
    last change included), read through a connection of its own: what another
    process, or the next start after a kill, finds in the file."""
    with contextlib.closing(sqlite3.connect(gui.store.path)) as db:
        conversations = db.execute("SELECT * FROM conversations ORDER BY id").fetchall()
        messages = db.execute("SELECT * FROM messages ORDER BY id").fetchall()
    return conversations, messages


def stored_messages(gui: Gui) -> dict[str, dict[str, Any]]:
    """Every stored message by id, each column by name, read as ``history_rows`` are."""
    with contextlib.closing(sqlite3.connect(gui.store.path)) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM messages ORDER BY seq").fetchall()
    return {row["id"]: dict(row) for row in rows}


def exported(gui: Gui, home: Path) -> dict[str, Any]:
    """What ``maestrale export --format json`` writes of the window's history: run as
    a program of its own, as a person would while the window is open (``home``: its
    home, config and logs)."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MAESTRALE_", "MISTRAL_", "XDG_"))
    }
    environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_STATE_HOME=str(home))
    project = Path(__file__).resolve().parents[3]  # this checkout's app, not another
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(gui.store.path.parent), "export"],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def toasts(gui: Gui) -> list[str]:
    """The notices shown over the main window."""
    return [toast.text for toast in gui.window.findChildren(Toast) if toast.isVisible()]


def continue_failed_toasts(gui: Gui) -> list[str]:
    return [text for text in toasts(gui) if text.startswith(CONTINUE_FAILED)]
