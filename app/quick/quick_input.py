"""The quick window's question field: Enter asks, Esc stops or hides, Ctrl+Enter goes on
in the main window, Backspace in the empty field takes the template chip away."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QWidget

from app.ui.paragraph_layout import align_paragraphs_by_direction
from app.ui.plain_text_field import PlainTextField

PLACEHOLDER = "Ask Mistral…   (type / for templates)"
PLACEHOLDER_INPUT = "Type the text for the template…   (Backspace removes it)"
PLACEHOLDER_RUN = "Enter runs it, or add an instruction…   (Backspace removes it)"


class QuickInput(PlainTextField):
    """The question field. Signals: submitted(), stop_or_hide(), continue_requested(),
    moved(int) (Up/Down while the template list is open), backspace_when_empty() (takes
    the template chip away, as Backspace takes a token in a chat app's field)."""

    submitted = Signal()
    stop_or_hide = Signal()
    continue_requested = Signal()
    moved = Signal(int)
    backspace_when_empty = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completing = False
        self.setObjectName("quickInput")
        self.setAccessibleName("Quick question")
        self.setPlaceholderText(PLACEHOLDER)
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        align_paragraphs_by_direction(self)
        self._fit_height()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()

    def _fit_height(self) -> None:
        # Two lines of the field's own font (64 px showed one line at 24 pt, and cut a
        # template's two-line placeholder in half).
        line = self.fontMetrics().lineSpacing()
        margins = self.contentsMargins()
        self.setFixedHeight(
            max(
                64,
                2 * line
                + 2 * round(self.document().documentMargin())
                + margins.top()
                + margins.bottom()
                + 8,
            )
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key, modifiers = event.key(), event.modifiers()
        if key == Qt.Key.Key_Escape:
            self.stop_or_hide.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if modifiers & Qt.KeyboardModifier.ControlModifier:
                self.continue_requested.emit()
                return
            if not modifiers & Qt.KeyboardModifier.ShiftModifier:
                self.submitted.emit()
                return
        if self.completing and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.moved.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key == Qt.Key.Key_Backspace and not self.toPlainText():
            # Not a held key's repeats: held to clear the text, it went on to the chip.
            if not event.isAutoRepeat():
                self.backspace_when_empty.emit()
            return
        super().keyPressEvent(event)
