"""Continue of an answer that a later exchange follows: the continued answer becomes a
version beside it from its first new words, and only then. Stopped, refused or broken
off before them (nothing came, or only the server's echo of the cut text), and killed
meanwhile, the conversation stays exactly as it was: no copy of the cut text as a
version "2 / 2", the answer and the exchange after it shown again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.api.client import ChatStream
from app.domain.messages import MessageStatus, Role
from app.ui.transcript.item import MessageItem
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.continuing import (
    CONTINUE_FAILED,
    continue_failed_toasts,
    echo_then_broken,
    echo_then_silence,
    history_rows,
    older_answer,
    toasts,
)


def shown(gui: Gui, message_id: str) -> MessageItem:
    item = gui.pane.transcript.item(message_id)
    assert item is not None
    return item


async def continue_and_wait(gui: Gui, older: MessageItem) -> None:
    """Press the answer's Continue; return once its request reached the server."""
    asked = len(gui.server.chat_requests)
    older._continue.click()
    await gui.until(lambda: len(gui.server.chat_requests) > asked)
    conversation_id = gui.pane.conversation_id
    assert gui.application.controller.is_streaming(conversation_id)


def assert_shown_as_before(gui: Gui, ids: list[str], said: str) -> None:
    """The conversation on screen as before the Continue: the answer (no versions)
    and the exchange after it, nothing waiting, the message field free."""
    transcript = gui.pane.transcript
    assert transcript.message_ids == ids
    older = shown(gui, ids[1])
    assert older.text.toPlainText() == "one two"
    assert older._switcher is None or not older._switcher.isVisible()
    assert older._status_label.text() == said
    assert older._continue.isVisible()
    assert older._continue.isEnabled()
    assert shown(gui, ids[-1]).text.toPlainText() == "Later answer."
    assert not transcript._pending.isVisible()
    assert gui.pane.composer.edit.isEnabled()
    assert not gui.window.actions_by_id["stop_answer"].isEnabled()


@pytest.mark.parametrize("came", ["nothing", "the echo of its text"])
@in_loop
async def test_a_continue_stopped_before_a_new_word_adds_no_version(
    gui: Gui, streams: list[ChatStream], came: str
) -> None:
    older = await older_answer(gui)
    ids, said = gui.pane.transcript.message_ids, older._status_label.text()
    before = history_rows(gui)
    gui.server.enqueue(
        Reply(text=" three", stall_after=0, stall_seconds=30)
        if came == "nothing"
        else echo_then_silence("one two")
    )
    await continue_and_wait(gui, older)
    # Meanwhile the question it answers shows, waiting for the new version (as
    # regenerate does)...
    assert gui.pane.transcript.message_ids == ids[:1]
    assert gui.pane.transcript._pending.isVisible()
    if came != "nothing":
        await gui.until(lambda: bool(streams) and streams[-1].answer.text == "one two")
    # ...but the history is untouched: a kill now leaves it as it was (before, the
    # question was its current message: the next start said "This question has no
    # answer yet." above nothing, the answer and the later exchange out of sight).
    assert history_rows(gui) == before
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(lambda: gui.pane.transcript.message_ids == ids and gui.answered())
    assert history_rows(gui) == before
    assert_shown_as_before(gui, ids, said)
    assert toasts(gui) == []  # Stop was pressed: nothing more to tell
    # Opened again, the same.
    conversation_id = gui.pane.conversation_id
    gui.pane.new_chat()
    gui.pane.open_conversation(conversation_id)
    assert_shown_as_before(gui, ids, said)


@pytest.mark.parametrize("fault", ["refused", "broken after the echo"])
@in_loop
async def test_a_continue_that_fails_before_a_new_word_adds_no_version(
    gui: Gui, fault: str
) -> None:
    older = await older_answer(gui)
    ids, said = gui.pane.transcript.message_ids, older._status_label.text()
    before = history_rows(gui)
    gui.server.enqueue(Reply(status=402) if fault == "refused" else echo_then_broken("one two"))
    older._continue.click()
    await gui.until(lambda: gui.pane.transcript.message_ids == ids and gui.answered())
    assert history_rows(gui) == before
    assert_shown_as_before(gui, ids, said)
    # Why it failed is told once, beside the conversation: nothing of it is stored.
    (told,) = continue_failed_toasts(gui)
    if fault == "refused":
        assert "(402)" in told
    else:
        assert told.startswith(f"{CONTINUE_FAILED} The connection broke")


@in_loop
async def test_the_version_is_stored_from_the_first_new_words_on(gui: Gui) -> None:
    older = await older_answer(gui)
    ids = gui.pane.transcript.message_ids
    conversation_id = gui.pane.conversation_id
    # The server repeats the cut text first; the new words come slowly after it.
    gui.server.enqueue(Reply(chunks=["one", " two", " three", " four."], delay=0.3))
    await continue_and_wait(gui, older)
    await gui.until(lambda: gui.store.get_conversation(conversation_id).current_leaf_id not in ids)
    # Stored as the current version from its first new words, the cut text its start.
    leaf = gui.store.get_conversation(conversation_id).current_leaf_id
    assert leaf is not None
    stored = gui.store.get_message(leaf)
    assert stored.parent_id == ids[0]
    assert stored.content.startswith("one two")
    await gui.until(gui.answered)
    new = gui.store.get_message(leaf)
    assert (new.content, new.status) == ("one two three four.", MessageStatus.COMPLETE)
    assert gui.pane.transcript.message_ids == [ids[0], leaf]
    item = shown(gui, leaf)
    assert item.text.toPlainText() == "one two three four."
    assert item._branch_label.text() == "2 / 2"
    # The cut answer and the exchange under it, untouched, a version away.
    assert gui.store.get_message(ids[1]).content == "one two"
    item._previous.click()
    await gui.until(lambda: gui.pane.transcript.message_ids == ids)
    assert [m.role for m in gui.store.current_path(conversation_id)] == [
        Role.USER,
        Role.ASSISTANT,
        Role.USER,
        Role.ASSISTANT,
    ]


LONG_LATER_ANSWER = "\n\n".join(f"Paragraph {n} of the later answer." for n in range(60))


@pytest.mark.parametrize("end", ["stopped", "refused", "nothing to add"])
@in_loop
async def test_the_view_stays_on_an_older_answer_whose_continue_brought_nothing(
    gui: Gui, end: str
) -> None:
    older = await older_answer(gui, later=LONG_LATER_ANSWER)
    transcript = gui.pane.transcript
    ids = transcript.message_ids
    bar = transcript.verticalScrollBar()
    # The reader scrolled up to the answer cut short, far from the end.
    bar.setValue(transcript.canvas_position(ids[1]).y() - 40)
    assert bar.value() < bar.maximum() - transcript.viewport().height()
    place = transcript.canvas_position(ids[1]).y() - bar.value()
    if end == "stopped":
        gui.server.enqueue(Reply(text=" three", stall_after=0, stall_seconds=30))
        await continue_and_wait(gui, older)
        gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    else:
        gui.server.enqueue(Reply(status=402) if end == "refused" else Reply(text=""))
        older._continue.click()
    await gui.until(lambda: transcript.message_ids == ids and gui.answered())
    # Shown again as stored (the exchange after it back): the answer where it was on
    # screen, not the end of the conversation (where the view went before).
    await gui.until(lambda: transcript.canvas_position(ids[1]).y() - bar.value() == place)
    assert not transcript.following
    assert bar.value() < bar.maximum() - transcript.viewport().height()
    assert shown(gui, ids[1]).text.toPlainText() == "one two"
