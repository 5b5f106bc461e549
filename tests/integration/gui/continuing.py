"""What the Continue tests share: replies that bring nothing new, the history as
another process (or the next start, after a kill) reads it, and the notices shown."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from app.ui.toast import Toast
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


def history_rows(gui: Gui) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every row of the conversations and messages tables, every column (times of the
    last change included), read through a connection of its own: what another
    process, or the next start after a kill, finds in the file."""
    with contextlib.closing(sqlite3.connect(gui.store.path)) as db:
        conversations = db.execute("SELECT * FROM conversations ORDER BY id").fetchall()
        messages = db.execute("SELECT * FROM messages ORDER BY id").fetchall()
    return conversations, messages


def toasts(gui: Gui) -> list[str]:
    """The notices shown over the main window."""
    return [toast.text for toast in gui.window.findChildren(Toast) if toast.isVisible()]


def continue_failed_toasts(gui: Gui) -> list[str]:
    return [text for text in toasts(gui) if text.startswith(CONTINUE_FAILED)]
