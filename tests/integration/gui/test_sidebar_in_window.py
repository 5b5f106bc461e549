"""The sidebar as part of the window: where the list scrolls, where the keys go, what a
delete does to an answer being written."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from app.config import load_config
from app.domain.messages import MessageStatus
from app.main import LAST_CONVERSATION_KEY, Application
from app.store.conversations import ConversationStore
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text


def _fill(gui: Gui) -> None:
    """Two pinned chats, three quick exchanges and 60 chats, one an hour back from now."""
    now = datetime.now().astimezone()
    store = gui.store
    for number in range(2):
        pinned = store.create_conversation(title=f"pinned {number}", model="m")
        store.set_pinned(pinned.id, True)
    for number in range(3):
        when = now - timedelta(minutes=number)
        store.create_conversation(title=f"quick {number}", model="m", kind="quick", created_at=when)
    for number in range(60):
        when = now - timedelta(hours=number)
        store.create_conversation(title=f"chat {number}", model="m", created_at=when)
    gui.window.sidebar.reload()


@in_loop
async def test_a_new_chat_keeps_the_list_at_its_top(gui: Gui) -> None:
    _fill(gui)
    view = gui.window.sidebar.list_view
    bar = view.verticalScrollBar()
    await gui.until(lambda: bar.maximum() > 0)  # laid out: a list longer than the view
    bar.setValue(view.visualRect(view.model().index(0, 0)).height() * 4)  # scrolled a bit
    gui.qtbot.keyClick(gui.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    await gui.ask("A new question")
    await gui.until(gui.answered)
    assert gui.window.sidebar.open_conversation_id == gui.pane.conversation_id
    assert bar.value() == 0  # Pinned, Today's heading and the new chat, as they stand


def _click_row(gui: Gui, conversation_id: str) -> None:
    sidebar = gui.window.sidebar
    rect = sidebar.list_view.visualRect(sidebar.model.index_of(conversation_id))
    gui.qtbot.mouseClick(sidebar.list_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@in_loop
async def test_delete_after_a_click_in_the_list_deletes_the_chat_as_its_menu_says(
    gui: Gui,
) -> None:
    soup = gui.store.create_conversation(title="Soup", model="m")
    taxes = gui.store.create_conversation(title="Taxes", model="m")
    sidebar = gui.window.sidebar
    sidebar.reload()
    _click_row(gui, soup.id)
    assert gui.pane.conversation_id == soup.id  # opened
    assert QApplication.focusWidget() is sidebar.list_view
    menu = sidebar.build_context_menu(soup.id)
    delete = next(a for a in menu.actions() if a.text() == "Delete")
    assert delete.shortcut() == QKeySequence(Qt.Key.Key_Delete)
    gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert gui.store.get_conversation(soup.id).deleted_at is not None
    assert gui.pane.conversation_id is None
    assert gui.store.get_conversation(taxes.id).deleted_at is None


@in_loop
async def test_undoing_the_delete_of_the_open_chat_opens_it_again(gui: Gui) -> None:
    soup = gui.store.create_conversation(title="Soup", model="m")
    taxes = gui.store.create_conversation(title="Taxes", model="m")
    sidebar = gui.window.sidebar
    sidebar.reload()
    _click_row(gui, soup.id)
    view = sidebar.list_view
    gui.qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert gui.pane.conversation_id is None  # a new chat took its place
    # Del again, on the row the focus moved to: the other chat goes too. Undone first,
    # it made the window forget which one it had closed.
    assert view.current_conversation_id() == taxes.id
    gui.qtbot.keyClick(view, Qt.Key.Key_Delete)
    gui.qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gui.store.get_conversation(taxes.id).deleted_at is None
    assert gui.pane.conversation_id is None
    gui.qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gui.store.get_conversation(soup.id).deleted_at is None
    assert gui.pane.conversation_id == soup.id  # open again, where it was
    assert sidebar.open_conversation_id == soup.id

    # Another chat opened meanwhile, or a new one started: it stays.
    for open_another in (lambda: _click_row(gui, taxes.id), gui.window.new_chat):
        _click_row(gui, soup.id)
        gui.qtbot.keyClick(view, Qt.Key.Key_Delete)
        open_another()
        shown = gui.pane.conversation_id
        sidebar.undo_delete()
        assert gui.store.get_conversation(soup.id).deleted_at is None
        assert gui.pane.conversation_id == shown


@in_loop
async def test_typing_after_a_click_in_the_list_writes_the_message(gui: Gui) -> None:
    soup = gui.store.create_conversation(title="Soup", model="m")
    sidebar = gui.window.sidebar
    sidebar.reload()
    _click_row(gui, soup.id)
    gui.qtbot.keyClicks(QApplication.focusWidget(), "Why, 2 Onions?")
    edit = gui.pane.composer.edit
    assert edit.toPlainText() == "Why, 2 Onions?"
    assert QApplication.focusWidget() is edit
    assert sidebar.open_conversation_id == soup.id  # no row was jumped to

    # Enter in the list opens with the keyboard in the message field, as before.
    taxes = gui.store.create_conversation(title="Taxes", model="m")
    sidebar.conversation_changed(taxes.id)
    sidebar.list_view.setFocus()
    sidebar.list_view.setCurrentIndex(sidebar.model.index_of(taxes.id))
    gui.qtbot.keyClick(sidebar.list_view, Qt.Key.Key_Return)
    assert gui.pane.conversation_id == taxes.id
    assert QApplication.focusWidget() is edit


@in_loop
async def test_deleting_a_chat_stops_its_answer_and_undo_brings_back_what_came(
    gui: Gui,
) -> None:
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(2000)], delay=0.01))
    await gui.ask("Stream a lot")
    await gui.until(lambda: "w30" in answer_text(gui))
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None
    sidebar = gui.window.sidebar
    sidebar.delete_conversation(conversation_id)
    controller = gui.application.controller
    await gui.until(lambda: not controller.is_streaming(conversation_id), timeout=60)
    answer = gui.store.current_path(conversation_id)[-1]
    assert answer.status is MessageStatus.INTERRUPTED  # not written on to its end
    assert answer.content.startswith("w0 w1 w2")
    assert "w1999" not in answer.content

    sidebar.undo_delete(conversation_id)
    assert gui.pane.conversation_id == conversation_id  # back, whole
    assert gui.store.current_path(conversation_id)[-1].content == answer.content


@in_loop
async def test_the_next_start_reopens_the_conversation_open_last(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    soup = gui.store.create_conversation(title="Soup", model="m")
    taxes = gui.store.create_conversation(title="Taxes", model="m")
    gui.window.open_conversation(soup.id)
    # Killed here: nothing is saved at quit, it is already in state.json.
    assert await _next_start(gui, gui_environ) == soup.id

    gui.window.open_conversation(taxes.id)
    gui.window.sidebar.delete_conversation(taxes.id)  # deleted: a new chat next time
    assert await _next_start(gui, gui_environ) is None
    gui.window.open_conversation(soup.id)
    gui.window.new_chat()  # left on a new chat: a new chat
    assert await _next_start(gui, gui_environ) is None

    gui.application.state.set(LAST_CONVERSATION_KEY, "gone")  # unknown: a new chat
    assert await _next_start(gui, gui_environ) is None


async def _next_start(gui: Gui, environ: dict[str, str]) -> str | None:
    """The conversation a second start on the same folders shows once painted."""
    await asyncio.sleep(0.05)  # the first writes it down just after an opening
    later = Application(gui.application.app, load_config(environ), environ)
    window = later.build(ConversationStore.open(later.config.paths.database))
    try:
        assert later.pane.conversation_id is None  # not before the first paint
        later.reopen_last_conversation()  # as run_window does after it
        opened: str | None = later.pane.conversation_id
        if opened is not None:
            assert window.sidebar.open_conversation_id == opened
        return opened
    finally:
        window.close()
        await later.shutdown()
        window.deleteLater()
