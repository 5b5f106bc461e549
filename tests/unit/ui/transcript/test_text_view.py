"""A message's text view: list indentation follows the text size."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from pytestqt.qtbot import QtBot

from app.ui.transcript.text_view import MessageText


def test_list_levels_are_indented_in_proportion_to_the_font(qtbot: QtBot) -> None:
    view = MessageText(images=None)
    qtbot.addWidget(view)
    indents = []
    for points in (10, 24):
        font = QFont(view.font())
        font.setPointSize(points)
        view.setFont(font)
        marker = QFontMetrics(font).horizontalAdvance("100.")
        indent = view.document().indentWidth()
        assert marker < indent < 2 * marker  # room for a big number, no wide gap
        indents.append(indent)
    assert indents[1] > 2 * indents[0]  # Qt's default was 40 px at any size
