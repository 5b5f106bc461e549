"""Ctrl+F: find text in the open conversation."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from app.ui.plain_text_field import pastes_html
from app.ui.shortcuts import keeps_escape

NEXT, PREVIOUS, REFINE = 1, -1, 0
"""Where find_requested goes: to the next or previous occurrence of the text, or (as the
text is typed) to stay on the current one while it still reads the text."""


# Keys of the field that step through the occurrences (Shift+Enter and Up go back).
_STEPS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down, Qt.Key.Key_Up)


class FindBar(QWidget):
    """Signals: find_requested(str, int step: NEXT, PREVIOUS or REFINE), closed()."""

    find_requested = Signal(str, int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.field = QLineEdit()
        pastes_html(self.field)
        keeps_escape(self.field)  # Esc closes the bar, not the answer being written
        self.field.setPlaceholderText("Find in conversation")
        self.field.setAccessibleName("Find in conversation")
        # Enter and Shift+Enter here, not with returnPressed: the field emits that for
        # Shift+Enter too, and the two steps cancelled out.
        self.field.installEventFilter(self)
        self.field.textChanged.connect(lambda text: self.find_requested.emit(text, REFINE))
        self.status = QLabel()
        self.status.setObjectName("findStatus")
        # Room for "999 of 999": the field beside it kept changing width as one typed.
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance("999 of 999"))
        previous = QToolButton()
        previous.setText("↑")
        previous.setAccessibleName("Previous match")
        previous.clicked.connect(lambda: self.find_requested.emit(self.field.text(), PREVIOUS))
        following = QToolButton()
        following.setText("↓")
        following.setAccessibleName("Next match")
        following.clicked.connect(lambda: self.find_requested.emit(self.field.text(), NEXT))
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("Close find")
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.status)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self.hide()

    def open_bar(self, step: int = REFINE) -> None:
        """Show the bar, its field focused; with text left from the last time, find it
        again: on the current occurrence (REFINE), or the next or previous one (F3)."""
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        if self.field.text():
            # Found again, and marked: it showed the count of the last time, unmarked.
            self.find_requested.emit(self.field.text(), step)

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def set_result(self, found: tuple[int, int]) -> None:
        """Which occurrence of the text is the current one, of how many in the
        conversation: (3, 80) reads "3 of 80"."""
        position, total = found
        if not self.field.text():
            self.status.setText("")
        elif not total:
            self.status.setText("No match")
        else:
            self.status.setText(f"{position} of {total}")
        self.status.setAccessibleName(
            f"Match {position} of {total}" if total else self.status.text()
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _STEPS
        ):
            back = event.key() == Qt.Key.Key_Up or (
                event.key() != Qt.Key.Key_Down
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            self.find_requested.emit(self.field.text(), PREVIOUS if back else NEXT)
            return True
        return False
