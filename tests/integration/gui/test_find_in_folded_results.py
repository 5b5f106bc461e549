"""Ctrl+F in a long tool result folded to its first lines: the words of its folded part
are counted and gone to in the conversation's order, the result shown whole to show
them, as a browser opens a collapsed section; folded again by hand, nothing is lost."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from app.domain.messages import Role, ToolCall
from app.ui.transcript.item import MessageItem
from app.ui.transcript.marks import CURRENT
from tests.helpers.chats import tool_round
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.folded import marks_by_line

# Forty lines: folded to ten. "zebra" on line 3 (shown folded) and on line 25 (not).
RESULT = "\n".join(
    f"row {n}: " + ("a zebra here" if n in (3, 25) else "nothing of note") for n in range(40)
)


def _with_long_result(gui: Gui) -> str:
    """Question, an answer that called a tool, its long result, and the answer after
    it, which names the word once more; the conversation's id."""
    return tool_round(
        gui.store,
        "Rows",
        ["List the rows"],
        call=ToolCall("call-1", "rows", "{}"),
        result=RESULT,
        answer="Two rows hold a zebra.",
    )


def _result(gui: Gui) -> MessageItem:
    transcript = gui.pane.transcript
    item = transcript.item(transcript.message_ids[2])
    assert item is not None
    assert item.message.role is Role.TOOL
    return item


def _in_view(gui: Gui, item: MessageItem) -> bool:
    """Whether the current mark of ``item`` is on screen."""
    current = [
        selection
        for selection in item.text.extraSelections()
        if selection.format.background().color() == CURRENT[False][0]
    ]
    assert len(current) == 1
    return _on_screen(gui, item, current[0].cursor)


def _on_screen(gui: Gui, item: MessageItem, cursor: QTextCursor) -> bool:
    """Whether the place of ``cursor`` in ``item`` is on screen."""
    transcript = gui.pane.transcript
    rect = item.text.cursorRect(cursor)
    y = item.text.viewport().mapTo(transcript.widget(), rect.topLeft()).y()
    top = transcript.verticalScrollBar().value()
    return top <= y <= top + transcript.viewport().height() - rect.height()


@in_loop
async def test_find_counts_and_shows_words_in_a_folded_result(gui: Gui) -> None:
    gui.window.open_conversation(_with_long_result(gui))
    await gui.settle(0.1)
    result = _result(gui)
    fold = result.fold_button
    assert fold is not None
    assert fold.text() == "Show all (40 lines)"
    assert "row 25" not in result.text.toPlainText()  # folded away
    bar = gui.pane.find_bar
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(bar.field, "zebra")
    # Line 3, line 25 (folded), then the answer: the conversation's order.
    assert bar.status.text() == "1 of 3"
    assert fold.text() == "Show all (40 lines)"  # shown already: nothing to unfold
    assert marks_by_line(result) == [("row 3", True)]
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "2 of 3"
    # Shown whole to show it, marked as the current one, and in view.
    assert fold.text() == "Show less"
    assert marks_by_line(result) == [("row 3", False), ("row 25", True)]
    assert _in_view(gui, result)
    transcript = gui.pane.transcript
    entry = transcript._by_id[result.message.id]
    assert entry.height == result.height_for_width(transcript._column_width())

    # Folded again by hand while that one is the current: the line shown keeps its
    # mark, and the count and the order go on from where they were.
    fold.click()
    await gui.settle(0.05)
    assert fold.text() == "Show all (40 lines)"
    assert marks_by_line(result) == [("row 3", False)]
    assert bar.status.text() == "2 of 3"
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "3 of 3"  # on to the answer, not back to the first
    assert fold.text() == "Show all (40 lines)"
    # Back (Shift+Enter) to the folded one: shown whole again.
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.status.text() == "2 of 3"
    assert fold.text() == "Show less"
    assert marks_by_line(result) == [("row 3", False), ("row 25", True)]
    assert _in_view(gui, result)
    # Typing on stays on it.
    gui.qtbot.keyClicks(bar.field, " here")
    assert bar.status.text() == "2 of 2"
    assert marks_by_line(result) == [("row 3", False), ("row 25", True)]


@in_loop
async def test_find_counts_a_folded_result_not_rendered_yet_the_same(gui: Gui) -> None:
    # Counted from the stored text before the result is rendered, and from what it
    # shows after: the same occurrences at the same places.
    conversation_id = _with_long_result(gui)
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.01)
    transcript = gui.pane.transcript
    transcript._idle.stop()
    for message_id in transcript.message_ids[:3]:  # as if it had not been rendered yet
        entry = transcript._by_id[message_id]
        if entry.item is not None:
            entry.item.deleteLater()
            entry.item = None
    bar = gui.pane.find_bar
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(bar.field, "row 25: a zebra")
    assert bar.status.text() == "1 of 1"
    result = _result(gui)  # rendered to show it, and unfolded
    fold = result.fold_button
    assert fold is not None
    assert fold.text() == "Show less"
    assert marks_by_line(result) == [("row 25", True)]


@in_loop
async def test_a_search_hit_in_the_folded_part_of_a_result_shows_it_marked(gui: Gui) -> None:
    # Ctrl+K's hit for words only on line 25: the result opens whole, the words marked
    # and in sight (they were in the folded part: nothing marked, nothing to see).
    conversation_id = tool_round(
        gui.store,
        "Rows",
        ["List the rows"],
        call=ToolCall("call-1", "rows", "{}"),
        result=RESULT.replace("row 25: a zebra here", "row 25: a striped okapi"),
        answer="One row holds an okapi.",
    )
    result_id = gui.store.messages(conversation_id)[2].id
    gui.window._on_search_result(conversation_id, result_id, "striped okapi")
    await gui.settle(0.1)
    result = _result(gui)
    assert result.message.id == result_id
    assert result.fold_button is not None
    assert result.fold_button.text() == "Show less"
    marks = result.text.extraSelections()
    assert [m.cursor.selectedText() for m in marks] == ["striped", "okapi"]
    assert _on_screen(gui, result, marks[0].cursor)


@in_loop
async def test_a_search_hit_in_the_shown_lines_of_a_result_leaves_it_folded(gui: Gui) -> None:
    conversation_id = _with_long_result(gui)
    result_id = gui.store.messages(conversation_id)[2].id
    gui.window._on_search_result(conversation_id, result_id, "zebra")  # line 3 shows it
    await gui.settle(0.1)
    result = _result(gui)
    assert result.fold_button is not None
    assert result.fold_button.text() == "Show all (40 lines)"
    assert len(result.text.extraSelections()) == 1
