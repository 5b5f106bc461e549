"""Pasting a picture into the message field, which takes text only."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

from app.ui.toast import Toast
from tests.integration.gui.conftest import Gui, in_loop


def _notices(gui: Gui) -> list[str]:
    return [toast.text for toast in gui.window.findChildren(Toast) if toast.isVisible()]


@in_loop
async def test_a_picture_pasted_alone_is_said_not_to_be_pasted(gui: Gui) -> None:
    # Ctrl+V of a screenshot did nothing, without a word.
    field = gui.pane.composer.edit
    field.setPlainText("Look at this: ")
    field.moveCursor(field.textCursor().MoveOperation.End)
    picture = QImage(8, 8, QImage.Format.Format_RGB32)
    picture.fill(QColor("red"))
    data = QMimeData()
    data.setImageData(picture)
    QGuiApplication.clipboard().setMimeData(data)
    field.setFocus()
    gui.qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    await gui.until(lambda: bool(_notices(gui)))
    assert _notices(gui) == [
        "Pictures can't be pasted: Maestrale sends text only. Copy the text you want, "
        "or describe the picture in words."
    ]
    assert field.toPlainText() == "Look at this: "  # the draft as it was
    # Text on the clipboard beside a picture (a spreadsheet's cells) is pasted, unsaid.
    for toast in gui.window.findChildren(Toast):
        toast.dismiss()
    both = QMimeData()
    both.setImageData(picture)
    both.setText("A1 B1")
    QGuiApplication.clipboard().setMimeData(both)
    gui.qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    QGuiApplication.clipboard().clear()  # no picture left for the tests after
    assert field.toPlainText() == "Look at this: A1 B1"
    assert _notices(gui) == []
