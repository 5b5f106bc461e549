"""A notice (toast) never covers the last answer's buttons: at the conversation's end,
the view keeps room under it for the notice while one shows."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from app.domain.messages import Role
from app.ui.toast import Toast
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item
from tests.integration.gui.test_unsaved_answer_notice import BUSY


def in_window(widget: QWidget, window: QWidget) -> QRect:
    """``widget``'s rectangle in ``window``'s coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


@in_loop
async def test_a_notice_leaves_the_last_answers_buttons_in_sight(gui: Gui) -> None:
    conversation = gui.store.create_conversation(title="Long", model="mistral-small-latest")
    parent: str | None = None
    for number in range(8):
        question = gui.store.add_message(
            conversation.id, role=Role.USER, content=f"Question {number}?", parent_id=parent
        )
        answer = gui.store.add_message(
            conversation.id, role=Role.ASSISTANT, content="Some words. " * 60, parent_id=question.id
        )
        parent = answer.id
    gui.window.open_conversation(conversation.id)
    await gui.settle()
    item = last_item(gui, Role.ASSISTANT)
    view = in_window(gui.pane.transcript.viewport(), gui.window)
    assert view.bottom() - in_window(item._copy, gui.window).bottom() < 60  # at the end

    toast = Toast.show_message(gui.window, BUSY)  # as wide as the message field
    await gui.settle()
    copy = in_window(item._copy, gui.window)
    assert view.contains(copy)
    # Nothing of the answer is under it: its buttons (Copy, Retry, Continue) all show.
    assert not in_window(item, gui.window).intersects(toast.geometry())

    toast.dismiss()  # the room goes with it: the end shows at the bottom again
    await gui.settle()
    assert view.bottom() - in_window(item._copy, gui.window).bottom() < 60
