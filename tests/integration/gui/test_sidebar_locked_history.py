"""The sidebar's writes while another program holds the history's write lock: the window
does not freeze, opens no modal box (a rename ended in a crash), says what to do, and
saves what the person did once the history frees."""

from __future__ import annotations

import logging

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


async def _rename_with_f2(gui: Gui, title: str) -> None:
    """F2 on the current row, ``title`` typed over the old one, Enter; until the editor
    has closed."""
    gui.qtbot.keyClick(gui.window.sidebar.list_view, Qt.Key.Key_F2)
    editor = _editor(gui)
    editor.selectAll()
    gui.qtbot.keyClicks(editor, title)
    gui.qtbot.keyClick(editor, Qt.Key.Key_Return)
    await gui.until(lambda: not _editors(gui))


@in_loop
async def test_a_rename_while_the_history_is_locked_is_saved_once_it_frees(gui: Gui) -> None:
    [soup] = _listed(gui, "Soup")
    sidebar = gui.window.sidebar
    _click_row(gui, soup)
    lock = HistoryLock(gui.store.path).take()
    try:
        await _rename_with_f2(gui, "Onion soup")
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
        # The row shows the title typed, not the old one, also after another program's
        # write is caught up with.
        model = sidebar.model
        assert model.data(model.index_of(soup)) == "Onion soup"
        sidebar.reload()
        assert model.data(model.index_of(soup)) == "Onion soup"
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


async def _rename_while_locked(gui: Gui, conversation_id: str, title: str) -> HistoryLock:
    """Rename ``conversation_id`` in the list while another program holds the history;
    the lock, still held."""
    sidebar = gui.window.sidebar
    _click_row(gui, conversation_id)
    lock = HistoryLock(gui.store.path).take()
    await _rename_with_f2(gui, title)
    assert sidebar.held_writes == [f"the new title “{title}”"]
    return lock


@in_loop
async def test_a_rename_still_waiting_when_the_window_closes_gets_a_last_try(gui: Gui) -> None:
    # The history freed just before the window closed, between two retries: the close
    # saves it (it was dropped with the window).
    [soup] = _listed(gui, "Soup")
    (await _rename_while_locked(gui, soup, "Onion soup")).release()
    gui.window.sidebar.shutdown()
    assert gui.store.get_conversation(soup).title == "Onion soup"
    assert gui.window.sidebar.held_writes == []


@in_loop
async def test_what_cannot_be_saved_at_closing_is_logged_by_name(
    gui: Gui, caplog: pytest.LogCaptureFixture
) -> None:
    soup, taxes = _listed(gui, "Soup", "Taxes")
    sidebar = gui.window.sidebar
    lock = await _rename_while_locked(gui, soup, "Onion soup")
    try:
        sidebar.toggle_pin(taxes)
        gui.store.connection.execute("PRAGMA busy_timeout = 50")  # not five seconds here
        with caplog.at_level(logging.WARNING, logger="app.ui.sidebar.held_writes"):
            sidebar.shutdown()
    finally:
        lock.release()
    assert "not saved: the new title “Onion soup”; pinning “Taxes”" in caplog.text
    assert sidebar.held_writes == []
    assert gui.store.get_conversation(soup).title == "Soup"


@in_loop
async def test_a_held_rename_given_up_shows_the_stored_title_again(gui: Gui) -> None:
    # Another program deleted the chat while it held the history: the rename kept
    # meanwhile fails when tried again, is reported, and the row stops showing it.
    [soup] = _listed(gui, "Soup")
    sidebar = gui.window.sidebar
    model = sidebar.model
    lock = await _rename_while_locked(gui, soup, "Onion soup")
    assert model.data(model.index_of(soup)) == "Onion soup"
    lock.run("DELETE FROM conversations WHERE id = ?", soup)
    lock.release()
    await gui.until(lambda: sidebar.held_writes == [])
    toast = sidebar.toast
    assert toast is not None
    assert toast.text == (
        "The new title “Onion soup” is not saved: another program deleted that chat meanwhile."
    )
    assert soup not in model.pending_titles


@in_loop
async def test_a_rename_made_after_the_history_frees_is_not_undone_by_the_held_one(
    gui: Gui,
) -> None:
    # The held "Onion soup" was written after "Leek soup", typed once the history had
    # freed and saved at once: the last title the person gave was lost.
    [soup] = _listed(gui, "Soup")
    sidebar = gui.window.sidebar
    model = sidebar.model
    (await _rename_while_locked(gui, soup, "Onion soup")).release()
    await _rename_with_f2(gui, "Leek soup")
    assert model.data(model.index_of(soup)) == "Leek soup"
    await gui.until(lambda: sidebar.held_writes == [])
    assert gui.store.get_conversation(soup).title == "Leek soup"
    assert model.data(model.index_of(soup)) == "Leek soup"


def test_a_delete_saved_at_closing_is_written_without_the_windows_reaction(gui: Gui) -> None:
    # After a delete the window stops the chat's answer and opens a new chat: as it
    # closes, with its answers stopped and transcript cleared, only the write is left.
    soup, _taxes = _listed(gui, "Soup", "Taxes")
    sidebar = gui.window.sidebar
    lock = HistoryLock(gui.store.path).take()
    sidebar.delete_conversation(soup)
    assert sidebar.held_writes == ["the delete of “Soup”"]
    lock.release()
    reactions: list[str] = []
    sidebar.conversation_deleted.connect(reactions.append)
    sidebar.shutdown()
    assert gui.store.get_conversation(soup).deleted_at is not None
    assert reactions == []
