"""The sidebar as part of the window: where the list scrolls, where the keys go, what a
delete does to an answer being written."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from tests.integration.gui.conftest import Gui, in_loop


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
