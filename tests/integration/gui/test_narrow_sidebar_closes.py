"""In a narrow window the sidebar comes for a choice (Ctrl+K, Ctrl+B) and goes once a
conversation is opened from it, as on a phone-sized chat app: left open, it squeezed
the conversation just opened to some 400 px. In a wide window it stays."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.transcript.item import MessageItem
from tests.helpers.chats import exchange
from tests.integration.gui.conftest import Gui, in_loop

CTRL = Qt.KeyboardModifier.ControlModifier


async def _sized(gui: Gui, width: int) -> tuple[str, str]:
    """Two conversations, the window ``width`` wide: the ids of the one about Lyon
    and of its question."""
    conversation_id, question_id, _ = exchange(
        gui.store, "Trip", "Which Lyon train leaves at noon?", "The TGV to Paris."
    )
    exchange(gui.store, "Soup", "How long do onions take?", "Twenty minutes.")
    gui.window.sidebar.reload()
    gui.window.resize(width, 560)
    await gui.settle(0.1)
    return conversation_id, question_id


async def _chosen_by_ctrl_k(gui: Gui, conversation_id: str, question_id: str) -> MessageItem:
    """Ctrl+K, words typed, Enter on the hit: the question it opened, marked."""
    sidebar = gui.window.sidebar
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_K, CTRL)
    await gui.settle(0.05)
    assert not sidebar.isHidden()
    assert sidebar.search_field.hasFocus()
    gui.qtbot.keyClicks(sidebar.search_field, "lyon train")
    await gui.until(lambda: sidebar.results_model.rowCount() == 1)
    gui.qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Return)
    await gui.settle(0.1)
    assert gui.pane.conversation_id == conversation_id
    item = gui.pane.transcript.item(question_id)
    assert item is not None
    assert [s.cursor.selectedText() for s in item.text.extraSelections()] == ["Lyon", "train"]
    return item


@in_loop
async def test_a_search_hit_chosen_in_a_narrow_window_closes_the_sidebar(gui: Gui) -> None:
    conversation_id, question_id = await _sized(gui, 700)
    window, sidebar = gui.window, gui.window.sidebar
    assert sidebar.isHidden()  # gone for the narrow window
    await _chosen_by_ctrl_k(gui, conversation_id, question_id)
    assert sidebar.isHidden()  # the conversation has the window's width again
    assert window.pane.sidebar_button.isVisible()
    assert window.width() == 700  # grown to hold the sidebar, given back
    assert QApplication.focusWidget() is gui.pane.composer.edit  # as in a wide window
    # Still wanted for a wide window: it comes back when the window is wide again.
    window.resize(1100, 760)
    await gui.settle(0.1)
    assert not sidebar.isHidden()


@in_loop
async def test_a_row_opened_in_a_narrow_window_closes_the_sidebar(gui: Gui) -> None:
    conversation_id, _ = await _sized(gui, 700)
    sidebar, edit = gui.window.sidebar, gui.pane.composer.edit
    gui.qtbot.keyClick(edit, Qt.Key.Key_B, CTRL)  # shown by the person
    await gui.settle(0.1)
    assert not sidebar.isHidden()
    sidebar.list_view.setFocus()
    sidebar.list_view.setCurrentIndex(sidebar.model.index_of(conversation_id))
    gui.qtbot.keyClick(sidebar.list_view, Qt.Key.Key_Return)  # Enter on its row
    await gui.settle(0.05)
    assert gui.pane.conversation_id == conversation_id
    assert sidebar.isHidden()
    assert QApplication.focusWidget() is edit  # where Enter on a row puts it

    # A click on a row too.
    gui.qtbot.keyClick(edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.1)
    other = next(row for row in gui.store.list_conversations() if row.id != conversation_id)
    rect = sidebar.list_view.visualRect(sidebar.model.index_of(other.id))
    gui.qtbot.mouseClick(sidebar.list_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    await gui.settle(0.05)
    assert gui.pane.conversation_id == other.id
    assert sidebar.isHidden()
    assert QApplication.focusWidget() is edit


@in_loop
async def test_a_search_hit_chosen_in_a_wide_window_leaves_the_sidebar(gui: Gui) -> None:
    conversation_id, question_id = await _sized(gui, 1100)
    sidebar = gui.window.sidebar
    assert not sidebar.isHidden()
    await _chosen_by_ctrl_k(gui, conversation_id, question_id)
    assert not sidebar.isHidden()
    assert QApplication.focusWidget() is gui.pane.composer.edit


@in_loop
async def test_a_copy_made_in_a_narrow_window_leaves_the_keyboard_in_sight(gui: Gui) -> None:
    # Duplicate opens the copy, which closes the narrow window's sidebar: the keyboard
    # was then given to the hidden list, where F2 and Delete act on rows out of sight.
    conversation_id, _ = await _sized(gui, 700)
    sidebar, edit = gui.window.sidebar, gui.pane.composer.edit
    gui.qtbot.keyClick(edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.1)
    copy = sidebar.duplicate_conversation(conversation_id)
    await gui.settle(0.05)
    assert copy is not None
    assert gui.pane.conversation_id == copy
    assert sidebar.isHidden()
    assert QApplication.focusWidget() is edit


@in_loop
async def test_a_search_in_a_narrow_window_keeps_a_sidebar_hidden_by_the_user_hidden(
    gui: Gui,
) -> None:
    # Hidden by the user (Ctrl+B), shown by Ctrl+K in a narrow window for a search:
    # it counted as wanted again, and came back as soon as the window was wide.
    window, sidebar, edit = gui.window, gui.window.sidebar, gui.pane.composer.edit
    conversation_id, question_id = await _sized(gui, 1100)
    assert not sidebar.isHidden()
    gui.qtbot.keyClick(edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.1)
    assert sidebar.isHidden()
    window.resize(700, 560)
    await gui.settle(0.1)
    await _chosen_by_ctrl_k(gui, conversation_id, question_id)
    assert sidebar.isHidden()
    window.resize(1100, 760)
    await gui.settle(0.1)
    assert sidebar.isHidden()
    assert not window.sidebar_wanted  # as the next start shows it
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)  # wanted again
    await gui.settle(0.1)
    assert not sidebar.isHidden()
