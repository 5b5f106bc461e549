"""A question edited in place: its text, as tall as its lines, and Cancel / Send under it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QVBoxLayout

from app.ui.plain_text_field import PlainTextField
from app.ui.settings.form import button, button_row
from app.ui.shortcuts import keeps_escape, sends_message, writes_text
from app.ui.text_rows import row_pitch
from app.ui.transcript.keys_on_controls import type_into
from app.ui.transcript.send_keys import enter_sends, send_hint

MIN_LINES = 2
MAX_LINES = 12  # then it scrolls, as the message field does
_RESTYLED = (QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FontChange)


class _Field(PlainTextField):
    """Enter sends (Shift+Enter: a new line), or Ctrl+Enter as the message field's
    setting has it; Esc cancels."""

    submitted = Signal()
    cancelled = Signal()
    restyled = Signal()  # its font or padding changed: the height is measured again

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() in _RESTYLED:
            self.restyled.emit()
        return handled

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if sends_message(event.key(), event.modifiers(), enter_sends(self)):
                self.submitted.emit()
            else:
                # A plain line break, as the message field adds (Qt's Shift+Enter
                # would add a line separator, and Ctrl+Enter nothing).
                self.insertPlainText("\n")
            return
        super().keyPressEvent(event)


class QuestionEditor(QFrame):
    """Signals: submitted(str) with the edited text (never empty), cancelled(), and
    height_changed() when a line more or less changes its height."""

    submitted = Signal(str)
    cancelled = Signal()
    height_changed = Signal()

    def __init__(self, text: str) -> None:
        super().__init__()
        self.setObjectName("questionEditor")
        self.field = _Field()
        keeps_escape(self.field)  # Esc cancels the edit, not the answer being written
        self.field.setObjectName("questionEditorField")
        self.field.setAccessibleName("Edit your message")
        self.field.setTabChangesFocus(True)
        self.field.setPlainText(text)
        self.cancel_button = button("Cancel", "subtle")
        self.cancel_button.setAccessibleName("Cancel editing")
        self.send_button = button("Send", "primary")
        self.send_button.setAccessibleName("Send the edited message")
        # Its tooltip names the keys as the setting is when it shows: the setting may
        # change while the editor is open.
        self.send_button.installEventFilter(self)
        self._name_keys()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.field)
        layout.addLayout(button_row(self.cancel_button, self.send_button))

        self.field.submitted.connect(self.submit)
        self.field.cancelled.connect(self.cancelled)
        self.cancel_button.clicked.connect(self.cancelled)
        self.send_button.clicked.connect(self.submit)
        self.field.textChanged.connect(self._on_text_changed)
        self.field.document().documentLayout().documentSizeChanged.connect(self._fit)
        # The style sheet gives the field its padding when it is first shown: measured
        # without it, the last line was hidden behind a scroll bar.
        self.field.restyled.connect(self._fit)
        self._on_text_changed()
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # A letter typed on Cancel or Send (they leave it unused): the question being
        # edited takes it, not the message field as elsewhere in the transcript.
        if writes_text(event) and event.text().strip():
            type_into(self.field, event)
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.send_button and event.type() == QEvent.Type.ToolTip:
            self._name_keys()
        return super().eventFilter(watched, event)

    def _name_keys(self) -> None:
        keys = send_hint(enter_sends(self))
        self.send_button.setToolTip(f"Send as a new branch; the original stays ({keys})")

    def focus(self) -> None:
        self._name_keys()  # now in its transcript, which has the setting
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.field.moveCursor(self.field.textCursor().MoveOperation.End)

    def submit(self) -> None:
        text = self.field.toPlainText()
        if text.strip():
            self.submitted.emit(text)

    def _on_text_changed(self) -> None:
        self.send_button.setEnabled(bool(self.field.toPlainText().strip()))

    def _fit(self) -> None:
        # The plain text layout measures its document in lines (wrapped ones included).
        lines = max(MIN_LINES, min(MAX_LINES, int(self.field.document().size().height())))
        margins = self.field.contentsMargins()
        height = (
            lines * row_pitch(self.field.font())
            + 2 * int(self.field.document().documentMargin())
            + margins.top()
            + margins.bottom()
            + 4
        )
        if height != self.field.height():
            self.field.setFixedHeight(height)
            # The transcript measures at once: neither this layout nor the bubble's may
            # answer from their caches of the old height (the buttons overlapped the text).
            layout = self.layout()
            if layout is not None:
                layout.invalidate()
            self.updateGeometry()
            self.height_changed.emit()
