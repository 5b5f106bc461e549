"""Continue carries a cut answer on in its own message: how that message looks and
behaves meanwhile (status, waiting line, focus, find marks), what Stop or a failure
before any new word leaves of it (the answer exactly as it was), how a code block or a
table cut short goes on, and the title it keeps."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QFrame

from app.api.client import ChatStream
from app.domain.messages import MessageStatus, Role
from app.ui.transcript.item import MessageItem
from app.ui.transcript.markdown_document import MarkdownDocument
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.continuing import (
    continue_failed_toasts,
    echo_then_silence,
    history_rows,
    toasts,
)

SLOW = [" three", " four", " five", " six."]  # with a delay: text still coming
# Pixels at most from a continued answer's last line to its waiting line: the line
# sits where the text goes on, as a new answer's sits where its text will begin (the
# answer's actions, waiting, stay below it).
UNDER_THE_TEXT = 8


def no_word_yet() -> Reply:
    """A reply of which no word comes before the test ends."""
    return Reply(text=" three", stall_after=0, stall_seconds=30)


def last_answer(gui: Gui) -> MessageItem:
    for message_id in reversed(gui.pane.transcript.message_ids):
        item = gui.pane.transcript.item(message_id)
        if item is not None and item.message.role is Role.ASSISTANT:
            return item
    raise AssertionError("no answer shown")


def below_the_text(gui: Gui, item: MessageItem) -> int:
    """How far below the answer's last line the waiting line begins (pixels)."""
    transcript = gui.pane.transcript
    text_bottom = item.text.mapTo(transcript.canvas, QPoint(0, item.text.height())).y()
    return int(transcript._pending.y()) - text_bottom


async def cut_at_the_limit(gui: Gui) -> MessageItem:
    """Ask, get an answer cut at the token limit (its title asked for), and return it."""
    gui.server.enqueue(Reply(text="one two", finish_reason="length"))
    await gui.ask("Count")
    await gui.until(gui.answered)
    # The title's request takes no reply meant for Continue, and its title is stored
    # before a test reads the history's rows.
    await gui.until_title_stored("Count")
    item = last_answer(gui)
    assert item._status is not None
    assert item._status.isVisible()
    return item


@in_loop
async def test_no_status_shows_while_a_cut_answer_is_continued(gui: Gui) -> None:
    item = await cut_at_the_limit(gui)
    gui.server.enqueue(Reply(chunks=SLOW, delay=0.3))
    item._continue.click()
    await gui.until(lambda: "three" in item.text.toPlainText())
    # Being written: it has not reached the limit (nor has it ended), and no Retry
    # shows up.
    assert item._status is not None
    assert not item._status.isVisible()
    assert gui.store.get_message(item.message.id).finish_reason is None
    await gui.until(gui.answered)
    assert item.text.toPlainText() == "one two three four five six."
    assert not item._status.isVisible()


@in_loop
async def test_a_continuation_cut_at_the_limit_again_says_so(gui: Gui) -> None:
    item = await cut_at_the_limit(gui)
    gui.server.enqueue(Reply(text=" three", finish_reason="length"))
    item._continue.click()
    await gui.until(lambda: gui.answered() and "three" in item.text.toPlainText())
    await gui.until(lambda: not item.streaming)
    assert item._status is not None
    assert item._status.isVisible()
    assert item._status_label.text() == "The answer reached the token limit."
    assert item._continue.isVisible()
    assert item._continue.isEnabled()
    assert not item._retry.isVisible()


@in_loop
async def test_a_continue_that_breaks_shows_its_panel_in_the_error_colour(gui: Gui) -> None:
    item = await cut_at_the_limit(gui)
    panel = item._status
    assert panel is not None
    gui.server.enqueue(Reply(chunks=SLOW, cut_after=1))
    item._continue.click()
    await gui.until(lambda: gui.answered() and item.message.status is MessageStatus.ERROR)
    await gui.until(lambda: not item.streaming)
    assert panel.isVisible()
    assert panel.property("severity") == "error"
    middle = panel.rect().center()
    shown = panel.grab().toImage().pixelColor(5, middle.y())
    # As a panel polished afresh for an error (as after switching chats and back).
    panel.style().unpolish(panel)
    panel.style().polish(panel)
    assert shown == panel.grab().toImage().pixelColor(5, middle.y())


@in_loop
async def test_the_keyboard_goes_back_to_the_message_field_after_continue(gui: Gui) -> None:
    item = await cut_at_the_limit(gui)
    gui.server.enqueue(Reply(text=" three four."))
    item._continue.setFocus()
    gui.qtbot.keyClick(item._continue, Qt.Key.Key_Space)
    await gui.until(gui.answered)
    await gui.until(lambda: not item.streaming)
    assert item.text.toPlainText() == "one two three four."
    assert QApplication.focusWidget() is gui.pane.composer.edit


@in_loop
async def test_a_continue_waiting_for_its_first_words_reads_as_that_answer_going_on(
    gui: Gui,
) -> None:
    gui.server.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    item = last_answer(gui)
    assert item._status is not None
    assert item._status.isVisible()
    transcript = gui.pane.transcript
    gui.server.enqueue(Reply(chunks=SLOW, delay=0.3))
    item._continue.click()
    # The request is out, no word came: the answer is the one being written (no
    # panel saying why it stopped, no actions under it), the waiting line where its
    # text goes on rather than under a finished answer as if a new one were coming.
    assert item.streaming
    assert not item._status.isVisible()
    assert not item._copy.isVisible()
    assert not item._action.isVisible()
    assert transcript._pending is not None
    assert transcript._pending.isVisible()
    assert 0 <= below_the_text(gui, item) <= UNDER_THE_TEXT
    await gui.until(lambda: "three" in item.text.toPlainText())
    assert not transcript._pending.isVisible()
    assert item._room is not None
    assert not item._room.isVisible()  # the text takes its place
    await gui.until(gui.answered)
    await gui.until(lambda: not item.streaming)
    assert item.text.toPlainText() == "one two three four five six."
    assert item._copy.isVisible()


@in_loop
async def test_a_continue_refused_before_a_word_shows_the_answer_as_it_was(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    item = last_answer(gui)
    said = item._status_label.text()
    before = history_rows(gui)
    gui.server.enqueue(Reply(status=402))
    item._continue.click()
    assert item.streaming
    await gui.until(lambda: gui.answered() and not item.streaming)
    assert item.text.toPlainText() == "one two"
    assert item._status is not None
    assert item._status.isVisible()
    assert item._continue.isEnabled()
    assert not gui.pane.transcript._pending.isVisible()
    # Nothing stored about the attempt: the answer still says why it broke off (the
    # refusal replaced that, in the history too); the refusal is told once, aside.
    assert history_rows(gui) == before
    assert item._status_label.text() == said
    (told,) = continue_failed_toasts(gui)
    assert "(402)" in told


@in_loop
async def test_find_keeps_its_marks_and_count_as_a_continue_writes(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="wind one, wind two", finish_reason="length"))
    await gui.ask("Count")
    await gui.until(gui.answered)
    await gui.until_titled()
    item = last_answer(gui)
    gui.window.actions_by_id["find_in_conversation"].trigger()
    bar = gui.pane.find_bar
    gui.qtbot.keyClicks(bar.field, "wind")
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "2 of 2"
    assert len(item.text.extraSelections()) == 2
    gui.server.enqueue(Reply(chunks=[", wind three", " and", " four."], delay=0.3))
    item._continue.click()
    await gui.until(lambda: "three" in item.text.toPlainText())
    # Marked still, the new one too, and counted, the current one kept.
    await gui.until(lambda: len(item.text.extraSelections()) == 3)
    assert bar.status.text() == "2 of 3"
    await gui.until(gui.answered)
    await gui.until(lambda: not item.streaming)
    assert item.text.toPlainText() == "wind one, wind two, wind three and four."
    assert len(item.text.extraSelections()) == 3
    assert bar.status.text() == "2 of 3"
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "3 of 3"


async def cut_broken(gui: Gui) -> MessageItem:
    """Ask, get an answer whose connection broke after two words, and return it."""
    gui.server.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    return last_answer(gui)


@pytest.mark.parametrize("came", ["nothing", "the echo of its text"])
@pytest.mark.parametrize("cut", ["at the limit", "broken"])
@in_loop
async def test_a_continue_stopped_before_a_new_word_leaves_the_answer_exactly_as_it_was(
    gui: Gui, streams: list[ChatStream], cut: str, came: str
) -> None:
    item = await (cut_at_the_limit(gui) if cut == "at the limit" else cut_broken(gui))
    assert item._retry.isVisible() is (cut == "broken")
    said = item._status_label.text()
    before = history_rows(gui)
    transcript = gui.pane.transcript
    gui.server.enqueue(no_word_yet() if came == "nothing" else echo_then_silence("one two"))
    item._continue.click()
    stop = gui.window.actions_by_id["stop_answer"]
    await gui.until(stop.isEnabled)  # the request is out
    assert transcript._pending.isVisible()
    if came != "nothing":  # the server repeats the text it carries on, and no more
        await gui.until(lambda: bool(streams) and streams[-1].answer.text == "one two")
        assert history_rows(gui) == before  # what a kill now leaves: nothing changed
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(lambda: gui.answered() and not item.streaming)
    # The same answer exactly as it was, in the history (its status, why it ended, its
    # place in the list) and on screen: one panel saying why it had stopped (not that
    # the Continue was stopped), with Continue, and Retry as before; nothing waiting.
    assert history_rows(gui) == before
    assert transcript.item(item.message.id) is item
    assert item.text.toPlainText() == "one two"
    panels = [p for p in item.findChildren(QFrame, "statusPanel") if p.isVisible()]
    assert panels == [item._status]
    assert item._status_label.text() == said
    assert item._continue.isVisible()
    assert item._continue.isEnabled()
    assert item._retry.isVisible() is (cut == "broken")
    assert item._retry.isEnabled() or cut != "broken"
    assert not transcript._pending.isVisible()
    assert item._room is not None
    assert not item._room.isVisible()
    # Measured without the waiting line's room: nothing cut off, no gap left.
    assert item.height() == item.height_for_width(item.width())
    assert transcript.message_ids[-1] == item.message.id
    assert toasts(gui) == []  # Stop was pressed: nothing more to tell


@in_loop
async def test_the_waiting_line_of_a_continue_sits_right_under_its_text(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="First version."))
    await gui.ask("Count")
    await gui.until(gui.answered)
    await gui.until_titled()
    gui.server.enqueue(Reply(text="one two", finish_reason="length"))
    last_answer(gui)._action.click()  # Regenerate: the answer has a version switcher
    await gui.until(lambda: gui.answered() and "two" in last_answer(gui).text.toPlainText())
    item = last_answer(gui)
    assert item._switcher is not None
    assert item._switcher.isVisible()
    transcript = gui.pane.transcript
    gui.server.enqueue(no_word_yet())
    item._continue.click()
    await gui.until(gui.window.actions_by_id["stop_answer"].isEnabled)
    pending = transcript._pending
    assert pending.isVisible()
    assert 0 <= below_the_text(gui, item) <= UNDER_THE_TEXT
    # Within the answer, above its versions and (waiting) actions, which keep their
    # place: nothing overlaps, and nothing moves when the words come.
    footer_top = item.y() + item._switcher.mapTo(item, QPoint(0, 0)).y()
    assert pending.geometry().bottom() < footer_top
    assert pending.y() + pending.height() <= item.y() + item.height()


@pytest.mark.parametrize(
    ("cut", "rest", "source"),
    [
        (
            "Here:\n\n```python\ndef f():\n    a = 1\n",
            ["    b = 2\n", "    return a + b\n```\n\nDone."],
            "def f():\n    a = 1\n    b = 2\n    return a + b",
        ),
        (  # cut in the middle of a line of code
            "Here:\n\n```python\ndef f():\n    a = ",
            ["1\n", "    return a\n```\n\nDone."],
            "def f():\n    a = 1\n    return a",
        ),
    ],
)
@in_loop
async def test_a_code_block_cut_short_goes_on_as_one_block(
    gui: Gui, cut: str, rest: list[str], source: str
) -> None:
    gui.server.enqueue(Reply(text=cut, finish_reason="length"))
    await gui.ask("Code")
    await gui.until(gui.answered)
    await gui.until_titled()
    item = last_answer(gui)
    assert len(item.document.code_blocks) == 1
    gui.server.enqueue(Reply(chunks=rest, delay=0.3))
    item._continue.click()
    first_line = rest[0].strip()
    await gui.until(lambda: first_line in item.text.toPlainText().split("def f():")[-1])
    # While it is written: the block goes on (no second one), its lines joined.
    assert len(item.document.code_blocks) == 1
    assert (cut + rest[0]).split("```python\n")[1] in item.text.toPlainText()
    await gui.until(lambda: gui.answered() and not item.streaming)
    assert [block.source for block in item.document.code_blocks] == [source]
    assert_rendered_as_stored(gui, item)


@in_loop
async def test_a_table_cut_short_goes_on_as_one_table(gui: Gui) -> None:
    cut = "Results:\n\n| name | value |\n|---|---|\n| one | 1 |\n| two "
    gui.server.enqueue(Reply(text=cut, finish_reason="length"))
    await gui.ask("Table")
    await gui.until(gui.answered)
    await gui.until_titled()
    item = last_answer(gui)
    gui.server.enqueue(Reply(chunks=["| 2 |\n", "| three | 3 |\n\nDone."], delay=0.3))
    item._continue.click()
    await gui.until(lambda: "\n2\n" in item.text.toPlainText())
    assert tables(item.text.document().toHtml()) == 1  # the row joined the table
    await gui.until(lambda: gui.answered() and not item.streaming)
    assert tables(item.text.document().toHtml()) == 1
    assert item.text.toPlainText().startswith("Results:\nname\nvalue\none\n1\ntwo\n2\nthree\n3")
    assert_rendered_as_stored(gui, item)


def tables(html: str) -> int:
    return html.count("<table")


def assert_rendered_as_stored(gui: Gui, item: MessageItem) -> None:
    """The continued answer shows as its stored text does, rendered whole."""
    stored = gui.store.get_message(item.message.id)
    document = QTextDocument()
    fresh = MarkdownDocument(document, math=None, dark=False)
    fresh.set_markdown(stored.content)
    assert item.text.toPlainText() == document.toPlainText()
    assert tables(item.text.document().toHtml()) == tables(document.toHtml())
    assert len(item.document.code_blocks) == len(fresh.code_blocks)
