"""What a screen reader gets from the transcript: the messages in the conversation's
order (they are rendered bottom up, or as they scroll into view), the spare message
widgets built ahead of need not among what it reads."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget

from app.domain.messages import Role
from app.ui.transcript.item import MessageItem
from tests.fake_mistral import Reply
from tests.helpers.chats import exchange
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_transcript_place import settled


def read_children(widget: QWidget) -> list[QObject]:
    """The widget's accessible children a screen reader is told are shown, in order."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    children = (interface.child(i) for i in range(interface.childCount()))
    return [child.object() for child in children if not child.state().invisible]


@in_loop
async def test_the_messages_are_read_top_to_bottom(gui: Gui) -> None:
    texts = [f"Message number {n}. " + "Words of it. " * 30 for n in range(24)]
    conversation_id, *ids = exchange(gui.store, "Many", *texts)
    transcript = gui.pane.transcript
    gui.window.open_conversation(conversation_id)
    await gui.until(lambda: settled(transcript))
    assert read_children(transcript.canvas) == [transcript.item(i) for i in ids]
    # A new exchange: the question, then its answer, at the end.
    await gui.until(lambda: transcript._spares.ready == {Role.USER, Role.ASSISTANT})
    gui.server.enqueue(Reply(text="The last answer."))
    gui.server.enqueue(Reply(text="Title"))
    await gui.ask("One more?")
    await gui.until(gui.answered)
    shown = [transcript.item(i) for i in transcript.message_ids]
    assert len(shown) == len(ids) + 2
    assert read_children(transcript.canvas) == shown
    # The spares built for the next exchange are there, hidden: not read.
    await gui.until(lambda: transcript._spares.ready == {Role.USER, Role.ASSISTANT})
    spares = list(transcript._spares._items.values())
    assert all(spare.parentWidget() is transcript.canvas for spare in spares)
    assert read_children(transcript.canvas) == shown


ANSWER = (
    "Here is code:\n\n```python\ndef f(x):\n    return x**2  # square\n```\n\n"
    "And math: $x^2$ and\n\n$$\\int_0^1 x\\,dx$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee link."
)


async def open_answer(gui: Gui) -> MessageItem:
    """A conversation of a question and ANSWER, opened and rendered; the answer."""
    conversation_id, _question, answer_id = exchange(gui.store, "Code", "Show code", ANSWER)
    transcript = gui.pane.transcript
    gui.window.open_conversation(conversation_id)
    await gui.until(lambda: settled(transcript))
    answer = transcript.item(answer_id)
    assert answer is not None
    return answer


@in_loop
async def test_an_answer_is_described_in_clean_text(gui: Gui) -> None:
    QAccessible.setActive(True)  # as with a screen reader running
    try:
        answer = await open_answer(gui)
        interface = QAccessible.queryAccessibleInterface(answer.text)
        assert interface is not None
        # The formulas drawn as pictures (U+FFFC in Qt's text), then said as their TeX.
        await gui.until(lambda: answer.text.toPlainText().count("\ufffc") == 2)
        await gui.until(lambda: "$x^2$" in interface.text(QAccessible.Text.Description))
        said = interface.text(QAccessible.Text.Description)
        assert not set(said) & {"\ufdd0", "\ufdd1", "\ufffc"}
        assert said.startswith("Here is code:\n\ndef f(x):\n    return x**2  # square\n")
        assert "Copy" not in said
        assert "python" not in said
        assert "$$\\int_0^1 x\\,dx$$" in said
        assert "a\tb\n1\t2" in said
        assert interface.text(QAccessible.Text.Name) == "Answer text"
        # What is drawn is as it was: the code block's header, the formulas' pictures.
        assert "\ufdd0" in answer.text.document().toRawText()
    finally:
        QAccessible.setActive(False)


def description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(QAccessible.Text.Description)


@in_loop
async def test_a_streamed_answer_is_described_once_written(gui: Gui) -> None:
    QAccessible.setActive(True)
    try:
        gui.server.enqueue(Reply(text="Try:\n\n```sh\nls -l\n```\n\nDone."))
        gui.server.enqueue(Reply(text="Title"))
        await gui.ask("List files?")
        await gui.until(gui.answered)
        transcript = gui.pane.transcript
        answer = transcript.item(transcript.message_ids[-1])
        assert answer is not None
        await gui.until(lambda: description(answer.text) == "Try:\n\nls -l\n\nDone.")
    finally:
        QAccessible.setActive(False)


@in_loop
async def test_a_screen_reader_started_later_gets_the_clean_text_on_focus(gui: Gui) -> None:
    answer = await open_answer(gui)
    assert description(answer.text) == ""  # no screen reader: not worked out
    QAccessible.setActive(True)
    try:
        answer.text.setFocus()
        await gui.until(answer.text.hasFocus)
        assert description(answer.text).startswith("Here is code:\n\ndef f(x):")
    finally:
        QAccessible.setActive(False)


@in_loop
async def test_an_answer_of_prose_is_not_said_twice(gui: Gui) -> None:
    QAccessible.setActive(True)
    try:
        conversation_id, _question, answer_id = exchange(
            gui.store, "Prose", "Hi", "Hello, *how* can I help? See [the guide](https://x.org)."
        )
        gui.window.open_conversation(conversation_id)
        answer = gui.pane.transcript.item(answer_id)
        assert answer is not None
        answer.text.setFocus()
        await gui.until(answer.text.hasFocus)
        assert description(answer.text) == ""
    finally:
        QAccessible.setActive(False)
