"""Where questions are written: multi-line, Enter sends, Send becomes Stop while answering."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

MAX_LINES = 12


class ComposerEdit(QPlainTextEdit):
    """The text field; grows with its text up to ``MAX_LINES`` lines.

    Signals:
        send_requested(): the send key was pressed.
        edit_last_requested(): Up was pressed while the field is empty.
        stop_requested(): Esc was pressed (the window stops a running answer).
    """

    send_requested = Signal()
    edit_last_requested = Signal()
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enter_sends = True
        self.setObjectName("composerEdit")
        self.setAccessibleName("Message")
        self.setPlaceholderText("Message Mistral…")
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        modifiers = event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
            shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
            if (self.enter_sends and not shift and not ctrl) or (not self.enter_sends and ctrl):
                self.send_requested.emit()
                return
            if self.enter_sends and ctrl:
                self.send_requested.emit()
                return
            self.insertPlainText("\n")
            return
        if key == Qt.Key.Key_Up and not self.toPlainText():
            self.edit_last_requested.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.stop_requested.emit()
            return
        super().keyPressEvent(event)

    def _fit(self) -> None:
        metrics = QFontMetrics(self.font())
        lines = max(1, min(MAX_LINES, int(self.document().size().height())))
        margins = self.contentsMargins()
        height = lines * metrics.lineSpacing() + 2 * int(self.document().documentMargin())
        self.setFixedHeight(height + margins.top() + margins.bottom() + 4)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(400, self.height())


class Composer(QFrame):
    """The text field and the Send/Stop button, with one draft per conversation.

    Signals:
        send(str): the user sent this text (the field is cleared by the window on success).
        stop(): Stop was pressed while an answer was running.
        edit_last(): Up in an empty field.
    """

    send = Signal(str)
    stop = Signal()
    edit_last = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self._busy = False
        self._drafts: dict[str, str] = {}
        self._key = ""
        self.edit = ComposerEdit(self)
        self.button = QPushButton("Send")
        self.button.setObjectName("sendButton")
        self.button.setAccessibleName("Send")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self._on_button)
        self.edit.send_requested.connect(self._on_send)
        self.edit.stop_requested.connect(self._on_escape)
        self.edit.edit_last_requested.connect(self.edit_last)
        self.edit.textChanged.connect(self._update_button)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addLayout(row)
        self._update_button()

    def set_enter_sends(self, enter_sends: bool) -> None:
        self.edit.enter_sends = enter_sends
        hint = (
            "Enter to send, Shift+Enter for a new line"
            if enter_sends
            else ("Ctrl+Enter to send, Enter for a new line")
        )
        self.edit.setToolTip(hint)

    def set_busy(self, busy: bool) -> None:
        """While an answer runs the button stops it; the field stays editable."""
        self._busy = busy
        self._update_button()

    def _update_button(self) -> None:
        if self._busy:
            self.button.setText("Stop")
            self.button.setAccessibleName("Stop the answer")
            self.button.setEnabled(True)
        else:
            self.button.setText("Send")
            self.button.setAccessibleName("Send")
            self.button.setEnabled(bool(self.edit.toPlainText().strip()))

    def _on_button(self) -> None:
        if self._busy:
            self.stop.emit()
        else:
            self._on_send()

    def _on_send(self) -> None:
        text = self.edit.toPlainText()
        if text.strip() and not self._busy:
            self.send.emit(text)

    def _on_escape(self) -> None:
        if self._busy:
            self.stop.emit()

    def clear_sent(self) -> None:
        self.edit.clear()
        self._drafts.pop(self._key, None)

    def switch_draft(self, key: str) -> None:
        """Keep the current draft under its conversation and show the one of ``key``."""
        text = self.edit.toPlainText()
        if text:
            self._drafts[self._key] = text
        else:
            self._drafts.pop(self._key, None)
        self._key = key
        self.edit.setPlainText(self._drafts.get(key, ""))
        self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)
        self.edit.setFocus()
        self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)

    def drafts(self) -> dict[str, str]:
        current = self.edit.toPlainText()
        drafts = dict(self._drafts)
        if current:
            drafts[self._key] = current
        return drafts
