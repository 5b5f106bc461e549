"""Ctrl+Shift+Enter presses the last answer's Continue when it offers one (cut at the
token limit, stopped, broken off), and does nothing otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.messages import MessageStatus, Role
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text
from tests.integration.gui.test_continue_in_place import SLOW, cut_at_the_limit, last_answer

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
MODEL = "mistral-large-2411"


def _press_continue(gui: Gui) -> None:
    """Ctrl+Shift+Enter, to whatever has the keyboard."""
    focused = QApplication.focusWidget()
    assert focused is not None
    gui.qtbot.keyClick(focused, Qt.Key.Key_Return, CTRL_SHIFT)


def _stored(gui: Gui, answer: str, **fields: Any) -> tuple[str, str]:
    """A conversation kept from before, its last answer as ``fields`` say, open; its id
    and the answer's."""
    store = gui.store
    conversation = store.create_conversation(title="Counting", model=MODEL)
    question = store.add_message(
        conversation.id, role=Role.USER, content="Count to six", parent_id=None
    )
    message = store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content=answer,
        parent_id=question.id,
        model=MODEL,
        **fields,
    )
    gui.window.sidebar.reload()
    gui.window.open_conversation(conversation.id)
    return conversation.id, message.id


def _in_the_list(gui: Gui) -> QWidget:
    return gui.window.sidebar.list_view


def _in_the_message_field(gui: Gui) -> QWidget:
    return gui.pane.composer.edit


STOPPED_EARLY = {
    "cut at the token limit": {"finish_reason": "length"},
    "stopped": {"status": MessageStatus.INTERRUPTED},
    "broken off": {"status": MessageStatus.ERROR, "error": "The connection was lost."},
}


@pytest.mark.parametrize("why", list(STOPPED_EARLY))
@pytest.mark.parametrize("where", [_in_the_message_field, _in_the_list])
@in_loop
async def test_ctrl_shift_enter_continues_an_answer_that_stopped_early(
    gui: Gui, why: str, where: Callable[[Gui], QWidget]
) -> None:
    _, answer_id = _stored(gui, "one two", **STOPPED_EARLY[why])
    item = last_answer(gui)
    assert item._continue.isVisible()
    edit = gui.pane.composer.edit
    gui.qtbot.keyClicks(edit, "a draft")
    where(gui).setFocus(Qt.FocusReason.OtherFocusReason)
    gui.server.enqueue(Reply(text=" three four five six."))
    _press_continue(gui)
    await gui.until(lambda: gui.answered() and not item.streaming)
    # Carried on in the same message, as the button does: no new version.
    assert gui.pane.transcript.message_ids[-1] == answer_id
    assert item.text.toPlainText() == "one two three four five six."
    stored = gui.store.get_message(answer_id)
    assert (stored.status, stored.content) == (
        MessageStatus.COMPLETE,
        "one two three four five six.",
    )
    streamed = [r for r in gui.server.chat_requests if r.body.get("stream") is not False]
    assert len(streamed) == 1
    sent = streamed[0].body["messages"][-1]  # the answer so far, for the model to go on
    assert (sent["role"], sent["content"]) == ("assistant", "one two")
    assert QApplication.focusWidget() is edit  # as after the button
    assert edit.toPlainText() == "a draft"  # no new line typed in it


@in_loop
async def test_the_keypads_enter_continues_too(gui: Gui) -> None:
    # It sends in the message field, as Enter does: with Ctrl+Shift, it is Continue.
    _, answer_id = _stored(gui, "one two", finish_reason="length")
    item = last_answer(gui)
    edit = gui.pane.composer.edit
    edit.setFocus()
    gui.server.enqueue(Reply(text=" three."))
    keypad = CTRL_SHIFT | Qt.KeyboardModifier.KeypadModifier
    gui.qtbot.keyClick(edit, Qt.Key.Key_Enter, keypad)
    await gui.until(lambda: gui.answered() and not item.streaming)
    assert gui.store.get_message(answer_id).content == "one two three."
    assert edit.toPlainText() == ""


@in_loop
async def test_ctrl_shift_enter_continues_an_answer_just_stopped_with_esc(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(500)], delay=0.01))
    await gui.ask("Talk a lot")
    await gui.until(lambda: "w20" in answer_text(gui))
    item = last_answer(gui)
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(lambda: gui.answered() and not item.streaming)
    stopped = item.text.toPlainText()
    gui.server.enqueue(Reply(text=" and the end."))
    _press_continue(gui)
    await gui.until(lambda: gui.answered() and item.text.toPlainText().endswith("the end."))
    assert item.text.toPlainText().startswith(stopped.strip())


@pytest.mark.parametrize(
    ("answer", "fields"),
    [
        ("The whole answer.", {}),  # ended as it should
        ("", {"status": MessageStatus.ERROR, "error": "Bad gateway."}),  # Retry only
    ],
)
@in_loop
async def test_ctrl_shift_enter_does_nothing_without_a_continue(
    gui: Gui, answer: str, fields: dict[str, Any]
) -> None:
    conversation_id, _ = _stored(gui, answer, **fields)
    edit = gui.pane.composer.edit
    gui.qtbot.keyClicks(edit, "a draft")
    _press_continue(gui)
    # Continue starts its answer at once (the button's answer shows as being written).
    assert not gui.application.controller.is_streaming(conversation_id)
    assert edit.toPlainText() == "a draft"
    gui.window.new_chat()  # nor in a new chat, with nothing in it
    _press_continue(gui)
    assert gui.pane.conversation_id is None
    assert edit.toPlainText() == ""
    assert gui.server.request_count == 0


@in_loop
async def test_ctrl_shift_enter_does_nothing_while_the_answer_goes_on(gui: Gui) -> None:
    item = await cut_at_the_limit(gui)
    asked = gui.server.request_count
    gui.server.enqueue(Reply(chunks=SLOW, delay=0.3))
    _press_continue(gui)
    await gui.until(lambda: "three" in item.text.toPlainText())
    assert item.streaming
    _press_continue(gui)  # again, while it is being written
    await gui.until(gui.answered)
    await gui.until(lambda: not item.streaming)
    assert item.text.toPlainText() == "one two three four five six."
    assert gui.server.request_count == asked + 1
    assert item.message.status is MessageStatus.COMPLETE
