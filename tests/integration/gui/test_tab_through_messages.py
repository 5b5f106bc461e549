"""Tab and Shift+Tab through a conversation's messages: Shift+Tab retraces Tab's every
step (a message's text, each of its links, its buttons), from wherever the keyboard is
in a message: a click in an answer's text or in a tool call's arguments too."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QTextEdit, QWidget

from app.domain.messages import ToolCall
from app.ui.transcript.item import MessageItem
from tests.helpers.chats import tool_round
from tests.integration.gui.conftest import Gui, in_loop

SHIFT = Qt.KeyboardModifier.ShiftModifier

# Where the keyboard is: a widget, and the link chosen in a message's text ("": none).
Stop = tuple[QWidget, str]


async def _conversation(gui: Gui) -> list[MessageItem]:
    """Questions, answers with code and links, a tool call and its result, opened;
    its messages, top to bottom."""
    conversation_id = tool_round(
        gui.store,
        "Tabs",
        [
            "Show me code",
            "See [the guide](https://example.org/guide):\n\n```python\nprint(1)\n```\n\n"
            "And [the notes](https://example.org/notes).",
            "Add two numbers",
        ],
        call=ToolCall("call-1", "add", '{"a": 2, "b": 40}'),
        result="42",
        answer="It is 42, says [the tool](https://example.org/add).",
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    items = [transcript.item(message_id) for message_id in transcript.message_ids]
    assert all(item is not None for item in items)
    return [item for item in items if item is not None]


def _where() -> Stop:
    focused = QApplication.focusWidget()
    assert focused is not None
    link = focused.textCursor().selectedText() if isinstance(focused, QTextEdit) else ""
    return focused, link


def _press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> Stop:
    QTest.keyClick(_where()[0], key, modifiers)
    return _where()


def _name(stop: Stop) -> str:
    """A stop, told in words (for a failure's message)."""
    widget, link = stop
    item = widget.parentWidget()
    while item is not None and not isinstance(item, MessageItem):
        item = item.parentWidget()
    owner = f" of {item.message.content[:12]!r}" if item is not None else ""
    return f"{widget.accessibleName() or widget.objectName()}{owner} [{link}]"


@in_loop
async def test_shift_tab_retraces_tab_through_the_messages(gui: Gui) -> None:
    await _conversation(gui)
    transcript = gui.pane.transcript
    field = gui.pane.composer.edit
    transcript.setFocus(Qt.FocusReason.TabFocusReason)
    forward = [_where()]
    while forward[-1][0] is not field:
        forward.append(_press(Qt.Key.Key_Tab))
        assert len(forward) < 60
    # Each text, then each of its links, then its buttons: the code block's Copy too.
    links = [link for widget, link in forward if link]
    assert links == ["the guide", "Copy", "the notes", "Copy", "the tool"]
    backward = [forward[-1]]
    while backward[-1][0] is not transcript:
        backward.append(_press(Qt.Key.Key_Backtab, SHIFT))  # as X11 sends Shift+Tab
        assert len(backward) < 60
    assert [_name(stop) for stop in backward] == [_name(stop) for stop in reversed(forward)]
    assert backward == forward[::-1]


@in_loop
async def test_shift_tab_from_a_click_in_a_message_goes_to_the_control_before(gui: Gui) -> None:
    items = await _conversation(gui)
    question, answer, _, caller, result, last = items
    transcript = gui.pane.transcript
    transcript.verticalScrollBar().setValue(0)
    await gui.settle(0.05)
    # A click in an answer's text: Shift+Tab goes to the question's
    # last button above it (it went to the answer's last link), Tab into its links.
    QTest.mouseClick(answer.text.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(40, 30))
    assert _where() == (answer.text, "")
    assert _press(Qt.Key.Key_Backtab, SHIFT) == (question._action, "")  # Edit and resend
    assert _press(Qt.Key.Key_Tab) == (answer.text, "")
    assert _press(Qt.Key.Key_Tab) == (answer.text, "the guide")
    assert _press(Qt.Key.Key_Backtab, SHIFT) == (answer.text, "")  # not out, past it
    assert _press(Qt.Key.Key_Backtab, SHIFT) == (question._action, "")
    # The last answer: back to the tool result's last link, the Copy of its block.
    last.text.setFocus(Qt.FocusReason.MouseFocusReason)
    assert _press(Qt.Key.Key_Backtab, SHIFT) == (result.text, "Copy")
    assert _press(Qt.Key.Key_Backtab, SHIFT) == (result.text, "")
    assert _press(Qt.Key.Key_Backtab, SHIFT) == (caller._action, "")  # its Regenerate
    # A click in a tool call's arguments (text Tab does not stop on): on from there,
    # both ways, within the conversation.
    arguments = caller.findChild(QLabel, "toolCallArguments")
    assert arguments is not None
    assert arguments.isVisible()
    QTest.mouseClick(arguments, Qt.MouseButton.LeftButton, pos=QPoint(4, 4))
    assert arguments.hasFocus()
    assert _press(Qt.Key.Key_Tab) == (caller._copy, "")
    QTest.mouseClick(arguments, Qt.MouseButton.LeftButton, pos=QPoint(4, 4))
    question_after = items[2]
    assert _press(Qt.Key.Key_Backtab, SHIFT) == (question_after._action, "")
