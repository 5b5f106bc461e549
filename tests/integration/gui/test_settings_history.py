"""Settings → History in the whole window: the chats deleted from the sidebar, restored
(listed again in the sidebar at once) or deleted for good now, by keyboard too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.store import ConversationNotFound
from app.ui.settings.history_page import HistoryPage
from app.ui.toast import Toast
from tests.helpers.history_lock import HistoryLock
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_sidebar_in_window import _click_row


def _listed(gui: Gui, *titles: str) -> list[str]:
    ids = [gui.store.create_conversation(title=title, model="m").id for title in titles]
    gui.window.sidebar.reload()
    return ids


def _delete_in_sidebar(gui: Gui, conversation_id: str) -> None:
    """Click the chat's row, then Delete, as a person does."""
    _click_row(gui, conversation_id)
    gui.qtbot.keyClick(gui.window.sidebar.list_view, Qt.Key.Key_Delete)
    assert gui.store.get_conversation(conversation_id).deleted_at is not None


def _both_deleted(gui: Gui) -> tuple[str, str]:
    """Chats "Soup" then "Taxes", deleted in that order from the sidebar; their ids."""
    soup, taxes = _listed(gui, "Soup", "Taxes")
    _delete_in_sidebar(gui, soup)
    _delete_in_sidebar(gui, taxes)
    return soup, taxes


async def _history_page(gui: Gui) -> HistoryPage:
    gui.application.open_settings("history")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    assert dialog.current_page() == "history"
    gui.qtbot.waitExposed(dialog)
    dialog.activateWindow()
    await gui.until(lambda: QApplication.activeWindow() is dialog)
    return dialog.history_page


def _in_sidebar(gui: Gui, conversation_id: str) -> bool:
    return gui.window.sidebar.model.row_of(conversation_id) is not None


def _shown_rows(page: HistoryPage) -> list[str]:
    return [page.list.item(row).text() for row in range(page.list.count())]


def _confirm(page: HistoryPage, choice: str) -> QMessageBox:
    box = page.confirmation
    assert box is not None
    assert box.isVisible()
    [chosen] = [b for b in box.buttons() if b.text().replace("&", "") == choice]
    chosen.click()
    return box


@in_loop
async def test_a_chat_deleted_in_the_sidebar_is_listed_and_restored_from_settings(
    gui: Gui,
) -> None:
    soup, taxes = _listed(gui, "Soup", "Taxes")
    _delete_in_sidebar(gui, soup)
    assert not _in_sidebar(gui, soup)

    page = await _history_page(gui)
    assert page.isVisible()
    assert page.listed_ids() == [soup]
    [row] = _shown_rows(page)
    assert row.startswith("Soup\nDeleted ")
    assert " · removed for good " in row
    assert not page.empty.isVisible()
    assert str(gui.store.path) in page.path_label.text()

    # Keyboard only: from the page list, Tab reaches the file's path, then the list,
    # its row chosen; Enter restores.
    assert QApplication.focusWidget() is gui.application._settings_dialog.nav
    gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.path_label
    gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.list
    assert page.selected_ids() == [soup]
    gui.qtbot.keyClick(page.list, Qt.Key.Key_Return)

    assert gui.store.get_conversation(soup).deleted_at is None
    assert _in_sidebar(gui, soup)  # listed again at once
    assert page.listed_ids() == []
    assert page.empty.isVisible()
    assert page.empty.text() == "Nothing deleted in the last 30 days."
    assert page.status.message() == "Restored “Soup”."
    # The list went with its last chat: the keyboard stays on the page, not lost.
    assert QApplication.focusWidget() is page.empty
    assert _in_sidebar(gui, taxes)


@in_loop
async def test_delete_now_asks_naming_the_chat_then_removes_it_from_the_file(gui: Gui) -> None:
    soup, taxes = _both_deleted(gui)
    page = await _history_page(gui)
    assert page.listed_ids() == [taxes, soup]  # the latest delete first

    page.list.setFocus()
    page.list.setCurrentRow(1)  # Soup alone
    assert page.selected_ids() == [soup]
    gui.qtbot.keyClick(page.list, Qt.Key.Key_Delete)
    box = page.confirmation
    assert box is not None
    assert "“Soup”" in box.text()
    # Cancel keeps it.
    _confirm(page, "Cancel")
    gui.store.get_conversation(soup)
    assert page.listed_ids() == [taxes, soup]

    gui.qtbot.keyClick(page.list, Qt.Key.Key_Delete)
    _confirm(page, "Delete now")
    with pytest.raises(ConversationNotFound):
        gui.store.get_conversation(soup)
    assert page.listed_ids() == [taxes]
    assert page.status.message() == "Deleted “Soup” for good."
    assert QApplication.focusWidget() is page.list
    assert gui.store.get_conversation(taxes).deleted_at is not None
    assert not _in_sidebar(gui, soup)


@in_loop
async def test_the_page_says_when_nothing_was_deleted(gui: Gui) -> None:
    _listed(gui, "Soup")
    page = await _history_page(gui)
    assert page.listed_ids() == []
    assert page.empty.isVisible()
    assert page.empty.text() == "Nothing deleted in the last 30 days."
    assert not page.list.isVisible()
    assert not page.restore_button.isVisible()


@in_loop
async def test_a_chat_deleted_while_the_page_shows_appears_on_it(gui: Gui) -> None:
    [soup] = _listed(gui, "Soup")
    page = await _history_page(gui)
    assert page.listed_ids() == []
    gui.window.sidebar.delete_conversation(soup)
    assert page.listed_ids() == [soup]


@in_loop
async def test_a_locked_history_is_said_and_nothing_is_lost(gui: Gui) -> None:
    soup, taxes = _listed(gui, "Soup", "Taxes")
    _delete_in_sidebar(gui, soup)
    page = await _history_page(gui)
    page.list.setCurrentRow(0)
    lock = HistoryLock(gui.store.path).take()
    try:
        page.restore_button.click()
        assert "Another program is using the history" in page.status.message()
        assert page.listed_ids() == [soup]
        assert not _in_sidebar(gui, soup)

        page.delete_button.click()
        _confirm(page, "Delete now")
        assert "nothing was deleted yet" in page.status.message()
        assert page.listed_ids() == [soup]
    finally:
        lock.release()
    assert gui.store.get_conversation(soup).deleted_at is not None
    page.restore_button.click()
    assert page.status.message() == "Restored “Soup”."
    assert _in_sidebar(gui, soup)
    assert _in_sidebar(gui, taxes)


@in_loop
async def test_what_the_page_restores_or_deletes_leaves_the_sidebars_undo(gui: Gui) -> None:
    soup, taxes = _both_deleted(gui)
    [notice] = [toast for toast in gui.window.findChildren(Toast) if toast.is_open]
    assert notice.text == "Deleted “Taxes”"
    page = await _history_page(gui)
    assert page.listed_ids() == [taxes, soup]

    page.list.setCurrentRow(0)  # Taxes
    page.restore_button.click()
    assert _in_sidebar(gui, taxes)
    assert not notice.is_open  # its Undo would undo nothing

    page.list.setCurrentRow(0)  # Soup
    page.delete_button.click()
    _confirm(page, "Delete now")
    with pytest.raises(ConversationNotFound):
        gui.store.get_conversation(soup)

    # Ctrl+Z in the sidebar: nothing left to undo (no error about Soup, no Taxes again).
    assert gui.window.sidebar.undo_delete() is None
