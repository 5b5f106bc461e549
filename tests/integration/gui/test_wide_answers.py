"""A wide table in an answer, in the window: the wheel scrolls it sideways, and its
scroll bar leaves the keyboard in the message field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from app.domain.messages import Role
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item

COLUMNS = 14


def _table(*rows: list[str]) -> str:
    """A markdown table of COLUMNS columns ("header 0"...) holding ``rows``."""
    lines = ["|".join(f"header {n}" for n in range(COLUMNS)), "|".join(["---"] * COLUMNS)]
    return "\n".join(f"|{line}|" for line in [*lines, *("|".join(row) for row in rows)])


TABLE = _table([f"value 1.{n}" for n in range(COLUMNS)])
FILLER = "\n\n".join(f"Paragraph {n} around the table." for n in range(30))


async def _answered_with(gui: Gui, table: str) -> Any:
    """The text of an answer holding ``table`` between paragraphs, asked for and in."""
    gui.server.enqueue(Reply(text=f"{FILLER}\n\n{table}\n\n{FILLER}"), Reply(text="Table"))
    await gui.ask("A wide table, please")
    await gui.until(gui.answered)
    await gui.settle(0.2)
    return last_item(gui, Role.ASSISTANT).text


@in_loop
async def test_a_wide_table_scrolls_sideways_and_its_bar_keeps_the_keyboard(gui: Gui) -> None:
    text = await _answered_with(gui, TABLE)
    across = text.horizontalScrollBar()
    transcript = gui.pane.transcript
    down = transcript.verticalScrollBar()
    assert across.maximum() > 0  # the table is wider than the answer
    header = text.cursorRect(text.document().find("header 2"))
    at = text.viewport().mapTo(transcript.canvas, header.center())
    transcript.ensureVisible(at.x(), at.y(), 0, transcript.viewport().height() // 2)
    await gui.settle(0.05)

    def wheel(angle: tuple[int, int], modifiers: Qt.KeyboardModifier) -> tuple[int, int]:
        place = text.viewport().mapTo(gui.window, header.center())
        QTest.wheelEvent(
            gui.window.windowHandle(), QPointF(place), QPoint(*angle), QPoint(), modifiers
        )
        return down.value(), across.value()

    start = (down.value(), across.value())
    plain = Qt.KeyboardModifier.NoModifier
    assert wheel((-120, 0), plain) == (start[0], start[1] + across.singleStep() * 3)
    assert wheel((120, 0), plain) == start  # and back
    shifted = wheel((0, -120), Qt.KeyboardModifier.ShiftModifier)
    assert shifted[0] == start[0]
    assert shifted[1] > start[1]
    scrolled = wheel((0, -120), plain)  # up and down: the transcript's, as ever
    assert scrolled[0] > start[0]
    assert scrolled[1] == shifted[1]

    # Dragging the table's scroll bar: the keyboard stays in the message field.
    composer = gui.pane.composer.edit
    assert composer.hasFocus()
    transcript.ensureVisible(at.x(), at.y(), 0, transcript.viewport().height() // 2)
    await gui.settle(0.05)
    option = QStyleOptionSlider()
    across.initStyleOption(option)
    handle = (
        across.style()
        .subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, across
        )
        .center()
    )
    end = QPoint(across.width() - 1, handle.y())
    gui.qtbot.mousePress(across, Qt.MouseButton.LeftButton, pos=handle)
    gui.qtbot.mouseMove(across, end)
    gui.qtbot.mouseRelease(across, Qt.MouseButton.LeftButton, pos=end)
    assert across.value() == across.maximum()
    assert QApplication.focusWidget() is composer
    gui.qtbot.keyClicks(composer, "And a chart?")
    assert composer.toPlainText() == "And a chart?"

    # Ctrl+F still finds the table's last column.
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(gui.pane.find_bar.field, f"value 1.{COLUMNS - 1}")
    await gui.until(lambda: gui.pane.find_bar.status.text() == "1 of 1")
    assert text.extraSelections()


MOORING = _table(
    ["mooring" if n in (0, COLUMNS - 1) else f"value 1.{n}" for n in range(COLUMNS)],
    ["gondola" if n == COLUMNS - 2 else f"value 2.{n}" for n in range(COLUMNS)],
)


def _in_sight(text: Any, cursor: QTextCursor) -> bool:
    """Whether the selection of ``cursor`` is all within the answer's view, across."""
    ends = []
    for position in (cursor.selectionStart(), cursor.selectionEnd()):
        end = QTextCursor(cursor)
        end.setPosition(position)
        ends.append(text.cursorRect(end))
    return min(r.left() for r in ends) >= 0 and max(r.right() for r in ends) <= (
        text.viewport().width()
    )


def _current(text: Any) -> QTextCursor:
    """Ctrl+F's current occurrence: the mark in its own colour."""
    from app.ui.transcript.marks import CURRENT

    colours = {c.rgb() for c, _ in CURRENT.values()}
    (found,) = [
        QTextCursor(s.cursor)
        for s in text.extraSelections()
        if s.format.background().color().rgb() in colours
    ]
    return found


@in_loop
async def test_find_scrolls_a_wide_answer_sideways_to_what_it_found(gui: Gui) -> None:
    # "1 of 2", and nothing to see: the occurrence was in a column off to the right.
    text = await _answered_with(gui, MOORING)
    across = text.horizontalScrollBar()
    assert across.maximum() > 0
    assert across.value() == 0
    gui.window.actions_by_id["find_in_conversation"].trigger()
    field = gui.pane.find_bar.field
    gui.qtbot.keyClicks(field, "mooring")
    await gui.until(lambda: gui.pane.find_bar.status.text() == "1 of 2")
    assert across.value() == 0  # the first, in the first column: in sight already
    assert _in_sight(text, _current(text))
    gui.qtbot.keyClick(field, Qt.Key.Key_Return)
    await gui.until(lambda: gui.pane.find_bar.status.text() == "2 of 2")
    assert across.value() > 0
    assert _in_sight(text, _current(text))  # the last column, scrolled to
    gui.qtbot.keyClick(gui.window, Qt.Key.Key_F3)  # round to the first, at the left
    await gui.until(lambda: gui.pane.find_bar.status.text() == "1 of 2")
    assert _in_sight(text, _current(text))
    assert across.value() < across.maximum()


@in_loop
async def test_a_search_hit_in_a_hidden_column_is_scrolled_to(gui: Gui) -> None:
    await _answered_with(gui, MOORING)
    answer = last_item(gui, Role.ASSISTANT).message.id
    # As from the sidebar: the conversation is shown again, the hit marked.
    gui.window._on_search_result(gui.pane.conversation_id, answer, "gondola")
    await gui.settle(0.1)
    text = gui.pane.transcript.item(answer).text
    (mark,) = [QTextCursor(s.cursor) for s in text.extraSelections()]
    assert text.horizontalScrollBar().value() > 0
    assert _in_sight(text, mark)
