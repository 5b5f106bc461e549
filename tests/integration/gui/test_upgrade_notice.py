"""A history from an older version opens behind a notice while it is converted."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from app.config import load_config
from app.store import SCHEMA_VERSION, ConversationStore
from app.store import db as db_module
from app.ui import open_history
from tests.helpers.old_format import written_as
from tests.helpers.read_only import read_only


def _notices() -> list[str]:
    return [
        widget.labelText()
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, QProgressDialog) and widget.isVisible()
    ]


def test_an_older_history_is_converted_behind_a_notice(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with written_as(3):  # a history written by a version-3 Maestrale
        db_module.open_database(data / "history.sqlite3").close()
    opened_on: list[str] = []
    original = ConversationStore.open.__func__  # type: ignore[attr-defined]

    def slow_open(cls: type[ConversationStore], path: Path) -> ConversationStore:
        # As on a long history: the conversion takes a while.
        opened_on.append(threading.current_thread().name)
        time.sleep(0.5)
        return original(cls, path)  # type: ignore[no-any-return]

    monkeypatch.setattr(ConversationStore, "open", classmethod(slow_open))
    seen: list[str] = []
    QTimer.singleShot(250, lambda: seen.extend(_notices()))
    # The window's start frame shows behind it: what is typed meanwhile goes to the
    # notice, not to a frame that has no parts yet.
    modal: list[bool] = []
    QTimer.singleShot(250, lambda: modal.append(QApplication.activeModalWidget() is not None))
    config = load_config({"MAESTRALE_DATA_DIR": str(data), "MISTRAL_API_KEY": "k"})

    store = open_history.open_store(config)

    assert store is not None
    try:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        store.create_conversation(title="usable at once", model="m")
    finally:
        store.close()
    assert seen == [open_history.UPGRADE_NOTICE]  # on screen while it worked
    assert modal == [True]
    assert opened_on == ["history-upgrade"]  # not on the GUI thread
    QApplication.processEvents()
    assert _notices() == []


def test_a_current_history_opens_without_a_notice(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    ConversationStore.open(data / "history.sqlite3").close()
    shown: list[str] = []
    monkeypatch.setattr(QProgressDialog, "show", lambda self: shown.append(self.labelText()))
    config = load_config({"MAESTRALE_DATA_DIR": str(data), "MISTRAL_API_KEY": "k"})
    store = open_history.open_store(config)
    assert store is not None
    store.close()
    assert shown == []


def test_a_full_disk_is_said_without_offering_to_set_the_history_aside(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Start a new history" renamed a healthy history to history.damaged-….sqlite3 when
    # the disk was full: the next start showed an empty list.
    import errno
    import os

    from PySide6.QtWidgets import QMessageBox

    data = tmp_path / "data"
    data.mkdir()
    ConversationStore.open(data / "history.sqlite3").close()

    def disk_full(fd: int, data_: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("app.store.writers.os.write", disk_full)
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: said.append(text))
    )
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail("offered a new history"))
    config = load_config({"MAESTRALE_DATA_DIR": str(data), "MISTRAL_API_KEY": "k"})
    assert open_history.open_store(config) is None
    assert len(said) == 1
    assert "the disk is full" in said[0]
    assert sorted(p.name for p in data.glob("history*.sqlite3")) == ["history.sqlite3"]


def test_a_history_that_cannot_be_written_says_how_to_still_read_it(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A history on a read-only disk (a backup, a mounted image): the window said it
    # could not be opened and quit, though the command line reads it as it is.
    from PySide6.QtWidgets import QMessageBox

    data = tmp_path / "data"
    data.mkdir()
    ConversationStore.open(data / "history.sqlite3").close()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append((box.text(), box.informativeText()))
    )
    monkeypatch.setattr(  # a box without the help (it has none for this)
        QMessageBox,
        "critical",
        staticmethod(lambda _parent, _title, text: shown.append((text, ""))),
    )
    config = load_config({"MAESTRALE_DATA_DIR": str(data), "MISTRAL_API_KEY": "k"})
    with read_only(data):
        assert open_history.open_store(config) is None
    [(text, help_text)] = shown
    assert "Cannot use the history file" in text
    assert "'maestrale export -o FILE' copies them out" in help_text
    assert "--data-dir" in help_text
