"""The sidebar's row actions, by keyboard: after each, the list's current row (the focus
frame, where Delete, F2 and the menu act), its selection and the chat on screen agree.

QA: Shift+F10 → Duplicate put the focus frame on "Zeppelins (copy)" while "Zeppelins"
stayed selected and open; Delete then deleted the copy, and Export offered its name."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from tests.integration.gui.conftest import Gui, in_loop


def _seed(gui: Gui) -> tuple[str, str]:
    """Two chats, Zeppelins the newest (on top), and Taxes below it."""
    now = datetime.now().astimezone()
    taxes = gui.store.create_conversation(
        title="Taxes", model="m", created_at=now - timedelta(hours=1)
    )
    zeppelins = gui.store.create_conversation(title="Zeppelins", model="m", created_at=now)
    gui.window.sidebar.reload()
    return zeppelins.id, taxes.id


def _open_and_tab_into_list(gui: Gui, conversation_id: str) -> None:
    sidebar = gui.window.sidebar
    gui.window.open_conversation(conversation_id)
    sidebar.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
    gui.qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is sidebar.list_view


async def _choose_in_menu(gui: Gui, text: str) -> None:
    """Shift+F10 on the list's current row, then Down to ``text`` and Enter."""
    sidebar = gui.window.sidebar
    # The pointer away from where the menu opens: hovering, it would choose an item.
    screen = gui.window.screen().geometry()
    QCursor.setPos(screen.right(), screen.bottom())
    await gui.settle()
    gui.qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = sidebar.context_menu
    assert menu is not None
    await gui.until(menu.isVisible)
    for _ in range(len(menu.actions())):
        gui.qtbot.keyClick(menu, Qt.Key.Key_Down)
        active = menu.activeAction()
        if active is not None and active.text() == text:
            break
    chosen = menu.activeAction()
    assert chosen is not None
    assert chosen.text() == text
    gui.qtbot.keyClick(menu, Qt.Key.Key_Return)
    await gui.until(lambda: sidebar.context_menu is None)


def _agreement(gui: Gui) -> tuple[str | None, list[str], str | None, str | None]:
    """(current row, selected rows, the sidebar's open one, the pane's open one)."""
    view = gui.window.sidebar.list_view
    selected = [index.data(Qt.ItemDataRole.UserRole + 1) for index in view.selectedIndexes()]
    return (
        view.current_conversation_id(),
        selected,
        gui.window.sidebar.open_conversation_id,
        gui.pane.conversation_id,
    )


@in_loop
async def test_duplicate_opens_the_copy_ready_to_rename(gui: Gui) -> None:
    zeppelins, taxes = _seed(gui)
    sidebar = gui.window.sidebar
    view = sidebar.list_view
    _open_and_tab_into_list(gui, zeppelins)
    assert _agreement(gui) == (zeppelins, [zeppelins], zeppelins, zeppelins)

    await _choose_in_menu(gui, "Duplicate")
    [copy] = [c.id for c in gui.store.list_conversations() if c.title == "Zeppelins (copy)"]
    assert _agreement(gui) == (copy, [copy], copy, copy)
    assert QApplication.focusWidget() is view  # the keyboard stays in the list

    # F2 renames it at once.
    gui.qtbot.keyClick(view, Qt.Key.Key_F2)
    await gui.until(view.is_editing)
    editor = QApplication.focusWidget()
    assert editor is not None
    gui.qtbot.keyClicks(editor, "Airships")
    gui.qtbot.keyClick(editor, Qt.Key.Key_Return)
    await gui.until(lambda: not view.is_editing())
    assert gui.store.get_conversation(copy).title == "Airships"
    assert gui.store.get_conversation(zeppelins).title == "Zeppelins"
    assert gui.window.windowTitle().startswith("Airships")

    # Delete deletes the chat on screen, the copy; the original stays.
    gui.qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert gui.store.get_conversation(copy).deleted_at is not None
    assert gui.store.get_conversation(zeppelins).deleted_at is None
    assert gui.store.get_conversation(taxes).deleted_at is None


@in_loop
async def test_pin_and_unpin_keep_the_open_chat_current(gui: Gui) -> None:
    zeppelins, taxes = _seed(gui)
    view = gui.window.sidebar.list_view
    _open_and_tab_into_list(gui, zeppelins)

    # The open chat, pinned: its row moves to "Pinned", current and selected there.
    await _choose_in_menu(gui, "Pin")
    assert gui.store.get_conversation(zeppelins).pinned
    assert _agreement(gui) == (zeppelins, [zeppelins], zeppelins, zeppelins)

    # Another row, pinned from the menu: the focus frame stayed on it, in "Pinned",
    # with Zeppelins open; Delete then went to Taxes.
    gui.qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_conversation_id() == taxes
    await _choose_in_menu(gui, "Pin")
    assert gui.store.get_conversation(taxes).pinned
    assert _agreement(gui) == (zeppelins, [zeppelins], zeppelins, zeppelins)

    gui.qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_conversation_id() == taxes
    await _choose_in_menu(gui, "Unpin")
    assert not gui.store.get_conversation(taxes).pinned
    assert _agreement(gui) == (zeppelins, [zeppelins], zeppelins, zeppelins)


@in_loop
async def test_undoing_a_delete_keeps_the_open_chat_current(gui: Gui) -> None:
    zeppelins, taxes = _seed(gui)
    view = gui.window.sidebar.list_view
    _open_and_tab_into_list(gui, zeppelins)
    gui.qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_conversation_id() == taxes
    await _choose_in_menu(gui, "Delete")
    assert gui.store.get_conversation(taxes).deleted_at is not None

    # Ctrl+Z: Taxes comes back; the focus frame stays on Zeppelins, the chat still open.
    gui.qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gui.store.get_conversation(taxes).deleted_at is None
    assert gui.window.sidebar.model.row_of(taxes) is not None
    assert _agreement(gui) == (zeppelins, [zeppelins], zeppelins, zeppelins)


@in_loop
async def test_a_new_chat_leaves_no_row_current(gui: Gui) -> None:
    zeppelins, _ = _seed(gui)
    _open_and_tab_into_list(gui, zeppelins)
    gui.qtbot.keyClick(gui.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert _agreement(gui) == (None, [], None, None)
    assert not gui.window.sidebar.list_view.currentIndex().isValid()


@in_loop
async def test_bringing_back_a_deleted_chat_far_down_shows_it_where_it_is(gui: Gui) -> None:
    # Review: the list scrolled to the open chat at its top, away from the chat brought
    # back at its bottom.
    now = datetime.now().astimezone()
    ids = [
        gui.store.create_conversation(
            title=f"Chat {n}", model="m", created_at=now - timedelta(hours=n)
        ).id
        for n in range(60)
    ]
    sidebar = gui.window.sidebar
    sidebar.reload()
    newest, oldest = ids[0], ids[-1]
    gui.window.open_conversation(newest)
    view = sidebar.list_view
    view.scrollToBottom()
    await gui.settle()
    sidebar.delete_conversation(oldest)
    await gui.settle()
    assert sidebar.undo_delete(oldest) == oldest
    await gui.settle()
    shown = view.visualRect(sidebar.model.index_of(oldest))
    assert view.viewport().rect().intersects(shown)
    assert _agreement(gui) == (newest, [newest], newest, newest)
