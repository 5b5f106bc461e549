"""Closing the window while the sidebar's worker waits for another program's lock."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from app.store import ConversationStore, open_reader
from app.ui.sidebar.outside_changes import Snapshot
from app.ui.sidebar.outside_reader import OutsideChangeReader
from app.ui.sidebar.rows import Paging, Section

GENEROUS_S = 60  # far under the lock wait set below, far over any real close


def test_closing_interrupts_a_comparison_waiting_for_a_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review: closing waited for a comparison under way; without WAL, another program
    # holding the history exclusively kept the window's thread waiting the whole lock
    # wait (five seconds) at close. Here that wait is ten minutes: shutdown must not
    # wait it out.
    path = tmp_path / "history.sqlite3"
    ConversationStore.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode = DELETE")  # no WAL: the lock keeps readers out
    monkeypatch.setattr("app.store.db.BUSY_TIMEOUT_MS", 600_000)
    connected = threading.Event()

    def connect(history: Path) -> sqlite3.Connection:
        connection = open_reader(history)
        connected.set()
        return connection

    reader = OutsideChangeReader(path, connect=connect)
    other.execute("BEGIN EXCLUSIVE")
    closed = threading.Event()
    try:
        paging = {Section.QUICK: Paging(), Section.CHATS: Paging()}
        reader.request(Snapshot([], {}, paging))
        assert connected.wait(GENEROUS_S)  # the comparison now waits for the lock

        def close() -> None:
            reader.shutdown()
            closed.set()

        threading.Thread(target=close, daemon=True).start()
        assert closed.wait(GENEROUS_S)  # before the lock was released
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert closed.wait(GENEROUS_S)
