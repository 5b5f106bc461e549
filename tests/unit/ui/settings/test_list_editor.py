"""Edits saved once they pause, at once on flush, and kept pending when saving fails."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.settings.list_editor import SAVE_DELAY_MS, AutoSave, unique_name


def test_edits_are_written_once_when_they_pause(qtbot: QtBot) -> None:
    writes: list[int] = []
    saver = AutoSave(lambda: writes.append(1) or True)
    for _ in range(5):
        saver.changed()
    assert writes == []
    qtbot.wait(SAVE_DELAY_MS + 200)
    assert writes == [1]
    assert saver.flush()  # nothing pending: no write
    assert writes == [1]


def test_a_failed_write_keeps_the_edits_pending(qtbot: QtBot) -> None:
    outcomes = [False, True]
    writes: list[bool] = []

    def write() -> bool:
        writes.append(outcomes[len(writes)])
        return writes[-1]

    saver = AutoSave(write)
    saver.changed()
    assert not saver.flush()
    assert saver.flush()  # tried again: still pending after the failure
    assert writes == [False, True]
    assert saver.flush()
    assert len(writes) == 2


def test_unique_names_ignore_case() -> None:
    assert unique_name("New preset", []) == "New preset"
    assert unique_name("New preset", ["new PRESET", "New preset 2"]) == "New preset 3"
