"""Helpers of the tests of long texts folded (tool results, questions): where Ctrl+F's
marks are, and Tab to a "Show all" button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.transcript.item import MessageItem
from app.ui.transcript.marks import CURRENT, MARKS
from tests.integration.gui.conftest import Gui


def marks_by_line(item: MessageItem) -> list[tuple[str, bool]]:
    """A message's marks: the line each is on (up to its ":"), and whether it is the
    current one."""
    marks = []
    for selection in item.text.extraSelections():
        colour = selection.format.background().color()
        assert colour in (CURRENT[False][0], MARKS[False][0])
        block = selection.cursor.block().text()
        marks.append((block.split(":")[0], colour == CURRENT[False][0]))
    return marks


def tab_to(gui: Gui, target: QWidget, start: QWidget, tries: int = 6) -> bool:
    """Press Tab from ``start`` until ``target`` has the keyboard (at most ``tries``
    times); whether it has."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(tries):
        if target.hasFocus():
            break
        gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    return target.hasFocus()
