"""Ctrl+F: find text in the open conversation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindBar(QWidget):
    """Signals: find_requested(str, bool backward), closed()."""

    find_requested = Signal(str, bool)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find in conversation")
        self.field.setAccessibleName("Find in conversation")
        self.field.returnPressed.connect(lambda: self.find_requested.emit(self.field.text(), False))
        self.field.textChanged.connect(lambda text: self.find_requested.emit(text, False))
        self.status = QLabel()
        self.status.setObjectName("findStatus")
        previous = QToolButton()
        previous.setText("↑")
        previous.setAccessibleName("Previous match")
        previous.clicked.connect(lambda: self.find_requested.emit(self.field.text(), True))
        following = QToolButton()
        following.setText("↓")
        following.setAccessibleName("Next match")
        following.clicked.connect(lambda: self.find_requested.emit(self.field.text(), False))
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

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def set_result(self, found: bool) -> None:
        self.status.setText("" if found or not self.field.text() else "No match")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.find_requested.emit(self.field.text(), True)
            return
        super().keyPressEvent(event)
