"""Right-to-left text typed in the message field and the quick window's field sits at
the right edge, each paragraph by its own direction, as the sent bubble shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.quick.quick_input import QuickInput
from app.ui.composer import Composer

ARABIC = "كيف أتعلم البرمجة"


def _ink(image: QImage, top: int, bottom: int) -> tuple[int, int]:
    """The leftmost and rightmost columns with text drawn between rows top and bottom."""
    background = image.pixelColor(image.width() // 2, image.height() - 2).lightness()
    columns = [
        x
        for x in range(image.width())
        for y in range(max(0, top), min(image.height(), bottom))
        if abs(image.pixelColor(x, y).lightness() - background) > 80
    ]
    assert columns, "no text drawn"
    return min(columns), max(columns)


def _line_rect_y(edit: QPlainTextEdit, block: int) -> tuple[int, int]:
    cursor = edit.textCursor()
    cursor.setPosition(edit.document().findBlockByNumber(block).position())
    rect = edit.cursorRect(cursor)
    return rect.top(), rect.bottom()


@pytest.mark.parametrize("field", ["composer", "quick"])
def test_each_paragraph_sits_at_the_side_its_direction_starts(qtbot: QtBot, field: str) -> None:
    if field == "composer":
        composer = Composer()
        qtbot.addWidget(composer)
        composer.resize(600, 200)
        composer.show()
        edit: QPlainTextEdit = composer.edit
    else:
        edit = QuickInput()
        qtbot.addWidget(edit)
        edit.resize(600, 120)
        edit.show()
    qtbot.waitExposed(edit)
    edit.setFocus()
    for char in ARABIC:  # as typed (QTest knows keys of Latin letters only)
        press = QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, char)
        QApplication.sendEvent(edit, press)
    edit.insertPlainText("\nhello")
    edit.moveCursor(QTextCursor.MoveOperation.End)
    image = edit.viewport().grab().toImage()
    width = edit.viewport().width()
    left, right = _ink(image, *_line_rect_y(edit, 0))
    assert left > width / 2  # at the right edge, not the left
    assert right > width - 24
    left, right = _ink(image, *_line_rect_y(edit, 1))
    assert left < 24  # the English paragraph stays at the left
    assert right < width / 2
