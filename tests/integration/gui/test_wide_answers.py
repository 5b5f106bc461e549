"""A wide table in an answer, in the window: the wheel scrolls it sideways, and its
scroll bar leaves the keyboard in the message field."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from app.domain.messages import Role
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item

COLUMNS = 14
TABLE = (
    "|"
    + "|".join(f"header {n}" for n in range(COLUMNS))
    + "|\n|"
    + "---|" * COLUMNS
    + "\n|"
    + "|".join(f"value 1.{n}" for n in range(COLUMNS))
    + "|"
)
FILLER = "\n\n".join(f"Paragraph {n} around the table." for n in range(30))


@in_loop
async def test_a_wide_table_scrolls_sideways_and_its_bar_keeps_the_keyboard(gui: Gui) -> None:
    gui.server.enqueue(Reply(text=f"{FILLER}\n\n{TABLE}\n\n{FILLER}"), Reply(text="Table"))
    await gui.ask("A wide table, please")
    await gui.until(gui.answered)
    await gui.settle(0.2)
    text = last_item(gui, Role.ASSISTANT).text
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
