"""The sidebar's writes while another program holds the history's write lock: the window
does not freeze, opens no modal box (a rename ended in a crash), says what to do, and
saves what the person did once the history frees."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from tests.helpers.history_lock import HistoryLock
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_sidebar_in_window import _click_row


@pytest.fixture(autouse=True)
def quick_retries(gui: Gui, monkeypatch: pytest.MonkeyPatch) -> None:
    # A held write is tried again after 0.1 s, not 2 s: the same behaviour, sooner.
    monkeypatch.setattr("app.ui.sidebar.held_writes.RETRY_AFTER_MS", 100)
    # A modal box anywhere fails the test at once instead of waiting for a click.
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, _no_modal_box)


def _no_modal_box(*args: object) -> None:
    raise AssertionError(f"a modal box was opened: {args}")


def _listed(gui: Gui, *titles: str) -> list[str]:
    """New chats with these titles, in the list; their ids."""
    ids = [gui.store.create_conversation(title=title, model="m").id for title in titles]
    gui.window.sidebar.reload()
    return ids


def _editors(gui: Gui) -> list[QLineEdit]:
    view = gui.window.sidebar.list_view
    return [e for e in view.findChildren(QLineEdit, "renameEditor") if e.isVisible()]


def _editor(gui: Gui) -> QLineEdit:
    [editor] = _editors(gui)
    return editor


@in_loop
async def test_a_rename_while_the_history_is_locked_is_saved_once_it_frees(gui: Gui) -> None:
    [soup] = _listed(gui, "Soup")
    sidebar = gui.window.sidebar
    _click_row(gui, soup)
    lock = HistoryLock(gui.store.path).take()
    try:
        gui.qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F2)
        editor = _editor(gui)
        editor.selectAll()
        gui.qtbot.keyClicks(editor, "Onion soup")
        gui.qtbot.keyClick(editor, Qt.Key.Key_Return)
        await gui.until(lambda: not _editors(gui))
        # Told without a modal box, which said nothing of the title typed.
        toast = sidebar.toast
        assert toast is not None
        assert "“Onion soup”" in toast.text
        assert "is not saved yet" in toast.text
        assert sidebar.held_writes == ["the new title “Onion soup”"]
        # The keyboard stays in the list (after the box, Space started a new chat).
        assert QApplication.focusWidget() is sidebar.list_view
        await gui.settle(0.3)
        assert gui.store.get_conversation(soup).title == "Soup"  # still held
    finally:
        lock.release()
    await gui.until(lambda: gui.store.get_conversation(soup).title == "Onion soup")
    assert sidebar.held_writes == []
    assert sidebar.model.data(sidebar.model.index_of(soup)) == "Onion soup"


@in_loop
async def test_a_full_reload_while_a_title_is_edited_waits_for_the_editor_to_close(
    gui: Gui,
) -> None:
    # Another program wrote while the editor was open: the model's reset destroyed the
    # editor under the delegate, and committing it then crashed. A change of a few rows
    # is made in place (the editor stays); one of many (an import) reads everything.
    [soup] = _listed(gui, "Soup")
    sidebar = gui.window.sidebar
    _click_row(gui, soup)
    gui.qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F2)
    editor = _editor(gui)
    imported = [gui.store.create_conversation(title=f"Imported {n}", model="m") for n in range(150)]
    other = imported[-1]
    sidebar.reload()
    assert sidebar.model.row_of(other.id) is None  # not yet: the editor is open
    assert _editor(gui) is editor
    editor.selectAll()
    gui.qtbot.keyClicks(editor, "Onion soup")
    gui.qtbot.keyClick(editor, Qt.Key.Key_Return)
    await gui.until(lambda: not _editors(gui))
    assert gui.store.get_conversation(soup).title == "Onion soup"
    await gui.until(lambda: sidebar.model.row_of(other.id) is not None)


@in_loop
async def test_pin_delete_and_duplicate_while_locked_wait_briefly_and_are_done_later(
    gui: Gui,
) -> None:
    soup, taxes = _listed(gui, "Soup", "Taxes")
    sidebar = gui.window.sidebar
    # Five seconds each before (the usual busy timeout): far over the whole test's wait.
    gui.store.connection.execute("PRAGMA busy_timeout = 5000")
    lock = HistoryLock(gui.store.path).take()
    try:
        sidebar.toggle_pin(soup)
        sidebar.delete_conversation(taxes)
        assert sidebar.duplicate_conversation(soup) is None
        assert sidebar.held_writes == [
            "pinning “Soup”",
            "the delete of “Taxes”",
            "the copy of the chat",
        ]
        toast = sidebar.toast
        assert toast is not None
        assert "close it to save it now" in toast.text
        assert sidebar.model.row_of(taxes) is not None  # not deleted yet
    finally:
        lock.release()
    await gui.until(lambda: sidebar.held_writes == [])
    assert gui.store.get_conversation(soup).pinned
    assert gui.store.get_conversation(taxes).deleted_at is not None
    assert sidebar.model.row_of(taxes) is None
    copies = [c for c in gui.store.list_conversations() if c.id not in (soup, taxes)]
    assert len(copies) == 1
    assert sidebar.model.row_of(copies[0].id) is not None
