"""A message's text view: list indentation follows the text size."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QFontMetricsF, QTextOption
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


def test_a_footnote_reference_scrolls_to_its_note_and_opens_nothing(qtbot: QtBot) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

    from app.rendering import render_markdown

    area = QScrollArea()
    qtbot.addWidget(area)
    canvas = QWidget()
    layout = QVBoxLayout(canvas)
    view = MessageText(images=None)
    layout.addWidget(view)
    area.setWidget(canvas)
    area.setWidgetResizable(True)
    area.resize(500, 200)
    filler = "\n\n".join(f"Paragraph {n} of filler text." for n in range(40))
    view.setHtml(render_markdown(f"Claim[^1].\n\n{filler}\n\n[^1]: The note.", dark=False).html)
    area.show()
    qtbot.waitExposed(area)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 1000)
    opened: list[object] = []
    view.link_activated.connect(opened.append)
    cursor = view.document().find("Claim")
    cursor.movePosition(QTextCursor.MoveOperation.Right)  # on the "1" after it
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.x() + 3, rect.center().y())
    )
    note = view.document().find("The note.")
    y = view.viewport().mapTo(canvas, view.cursorRect(note).topLeft()).y()
    bar = area.verticalScrollBar()
    assert bar.value() > 1000
    assert bar.value() <= y <= bar.value() + area.viewport().height()
    assert opened == []  # no link to confirm, nothing opened
    assert view.go_to_anchor("fnref1-1")  # and back
    assert bar.value() < 100


def test_tabs_stop_every_four_columns_of_code_at_any_size(qtbot: QtBot) -> None:
    # Qt's default, 80 px, spread Go's tab-indented code about ten columns per tab.
    view = MessageText(images=None)
    qtbot.addWidget(view)
    stops = []
    for points in (10, 20):
        font = QFont(view.font())
        font.setPointSize(points)
        view.setFont(font)
        option = view.document().defaultTextOption()
        code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        code.setPointSize(points)
        assert option.tabStopDistance() == QFontMetricsF(code).horizontalAdvance("    ")
        assert option.wrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere  # kept
        stops.append(option.tabStopDistance())
    assert stops[0] < 80 < stops[1] * 2
