"""What a screen reader gets from the transcript: the messages in the conversation's
order (they are rendered bottom up, or as they scroll into view), the spare message
widgets built ahead of need not among what it reads."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget

from app.domain.messages import Role
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
