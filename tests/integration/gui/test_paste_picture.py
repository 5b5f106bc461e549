"""Pasting a picture into the message field, which takes text only."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QPlainTextEdit

from app.ui.toast import Toast
from tests.integration.gui.conftest import Gui, in_loop

REFUSED = (
    "Pictures can't be pasted: Maestrale sends text only. Copy the text you want, "
    "or describe the picture in words."
)


def _notices(gui: Gui) -> list[str]:
    return [toast.text for toast in gui.window.findChildren(Toast) if toast.isVisible()]


def _draft(gui: Gui) -> QPlainTextEdit:
    field = gui.pane.composer.edit
    field.setPlainText("Look at this: ")
    field.moveCursor(field.textCursor().MoveOperation.End)
    field.setFocus()
    return field


def _picture(*, text: str = "", html: str = "") -> QMimeData:
    picture = QImage(8, 8, QImage.Format.Format_RGB32)
    picture.fill(QColor("red"))
    data = QMimeData()
    data.setImageData(picture)
    if html:
        data.setHtml(html)
    if text:
        data.setText(text)
    return data


def _paste(gui: Gui, field: QPlainTextEdit, data: QMimeData) -> None:
    for toast in gui.window.findChildren(Toast):
        toast.dismiss()
    QGuiApplication.clipboard().setMimeData(data)
    gui.qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


@in_loop
async def test_a_picture_pasted_alone_is_said_not_to_be_pasted(gui: Gui) -> None:
    # Ctrl+V of a screenshot did nothing, without a word.
    field = _draft(gui)
    _paste(gui, field, _picture())
    await gui.until(lambda: bool(_notices(gui)))
    assert _notices(gui) == [REFUSED]
    assert field.toPlainText() == "Look at this: "  # the draft as it was
    # Text on the clipboard beside a picture (a spreadsheet's cells) is pasted, unsaid.
    _paste(gui, field, _picture(text="A1 B1"))
    QGuiApplication.clipboard().clear()  # no picture left for the tests after
    assert field.toPlainText() == "Look at this: A1 B1"
    assert _notices(gui) == []


@in_loop
async def test_a_picture_copied_from_a_browser_is_said_not_to_be_pasted(gui: Gui) -> None:
    # "Copy image" in a browser gives the picture and HTML of only <img src=…>: the
    # HTML had no text, so nothing was pasted, without a word.
    field = _draft(gui)
    for html, text in (
        ('<meta charset="utf-8"><img src="https://example.org/cat.png" alt="">', ""),
        ('<a href="https://example.org/"><img src="https://example.org/cat.png"></a>\n', ""),
        ("<p> </p>", " \n"),
    ):
        _paste(gui, field, _picture(text=text, html=html))
        await gui.until(lambda: bool(_notices(gui)))
        assert _notices(gui) == [REFUSED]
        assert field.toPlainText() == "Look at this: "  # the draft as it was
    # Words in the HTML beside the picture (a part of a page copied) are pasted, unsaid.
    _paste(gui, field, _picture(html='<p>A cat <img src="https://example.org/cat.png"></p>'))
    QGuiApplication.clipboard().clear()  # no picture left for the tests after
    assert field.toPlainText().rstrip() == "Look at this: A cat"
    assert _notices(gui) == []
