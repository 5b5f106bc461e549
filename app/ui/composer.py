"""Where questions are written: multi-line, Enter sends, Send becomes Stop while answering."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from app.ui.new_chat_page import MESSAGE_PLACEHOLDER
from app.ui.paragraph_layout import align_paragraphs_by_direction
from app.ui.plain_text_field import PlainTextField
from app.ui.send_button import SendButton
from app.ui.shortcuts import sends_message
from app.ui.text_rows import row_pitch

MAX_LINES = 12
DRAFT_PAUSE_MS = 500  # a draft is kept once typing pauses this long
PLACEHOLDER = MESSAGE_PLACEHOLDER


class ComposerEdit(PlainTextField):
    """The text field; grows with its text up to ``MAX_LINES`` lines.

    Signals:
        send_requested(): the send key was pressed.
        edit_last_requested(): Up was pressed while the field is empty, and
            ``edits_last`` (not while an answer is written: Up is then the field's own).
        stop_requested(): Esc was pressed (the window stops a running answer).
        focus_changed(bool): the field took (True) or lost the keyboard.
    """

    send_requested = Signal()
    edit_last_requested = Signal()
    stop_requested = Signal()
    focus_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enter_sends = True
        self.edits_last = True
        self.setObjectName("composerEdit")
        self.setAccessibleName("Message")
        self.setPlaceholderText(PLACEHOLDER)
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        align_paragraphs_by_direction(self)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        modifiers = event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # The rule the question editor and the shortcut list follow too.
            if sends_message(key, modifiers, self.enter_sends):
                self.send_requested.emit()
                return
            self.insertPlainText("\n")
            return
        if key == Qt.Key.Key_Up and self.edits_last and not self.toPlainText():
            self.edit_last_requested.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.stop_requested.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.focus_changed.emit(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.focus_changed.emit(False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # one line is taller or shorter now
            self._fit()
            self._fit_placeholder()

    def _fit_placeholder(self) -> None:
        """The placeholder on one line: at a large text size in a narrow field it wrapped,
        its second line cut by the field's one-line height."""
        room = self.viewport().width() - 2 * int(self.document().documentMargin()) - 4
        metrics = self.fontMetrics()
        self.setPlaceholderText(metrics.elidedText(PLACEHOLDER, Qt.TextElideMode.ElideRight, room))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # Wider or narrower, its text wraps anew: a draft restored at start, while the
        # field was still narrow, kept the height of its wrapped lines.
        if event.size().width() != event.oldSize().width():
            self._fit()
            self._fit_placeholder()

    def _fit(self) -> None:
        lines = max(1, min(MAX_LINES, int(self.document().size().height())))
        margins = self.contentsMargins()
        height = lines * row_pitch(self.font()) + 2 * int(self.document().documentMargin())
        self.setFixedHeight(height + margins.top() + margins.bottom() + 4)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(400, self.height())


class Composer(QFrame):
    """The text field and the Send/Stop button, with one draft per conversation.

    Signals:
        send(str): the user sent this text (the field is cleared by the window on success).
        stop(): Stop was pressed while an answer was running.
        edit_last(): Up in an empty field.
        draft_changed(str, str): the draft of a conversation (key) is now this text ("":
            none), once typing pauses, and at once on switching, sending and
            ``keep_draft()``; for keeping drafts across restarts.
        paste_refused(str): a paste held nothing to type (a picture): why.
    """

    send = Signal(str)
    stop = Signal()
    edit_last = Signal()
    draft_changed = Signal(str, str)
    paste_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self._busy = False
        self._drafts: dict[str, str] = {}
        self._key = ""
        self.edit = ComposerEdit(self)
        self._draft_pause = QTimer(self)
        self._draft_pause.setSingleShot(True)
        self._draft_pause.setInterval(DRAFT_PAUSE_MS)
        self._draft_pause.timeout.connect(self._hand_over_draft)
        self.edit.textChanged.connect(self._draft_pause.start)
        self.button = SendButton("Send")
        self.button.setObjectName("sendButton")
        self.button.setAccessibleName("Send")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self._on_button)
        self.edit.send_requested.connect(self._on_send)
        self.edit.stop_requested.connect(self._on_escape)
        self.edit.edit_last_requested.connect(self.edit_last)
        self.edit.focus_changed.connect(self._show_focus)
        self.edit.paste_refused.connect(self.paste_refused)
        self.edit.textChanged.connect(self._update_button)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addLayout(row)
        self._update_button()

    def _show_focus(self, focused: bool) -> None:
        # The field has no border of its own (the rounded frame around it and the
        # button is the field to the eye): the frame shows the focus, as other fields
        # do, through the stylesheet's #composer[focused="true"].
        self.setProperty("focused", focused)
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

    def set_enter_sends(self, enter_sends: bool) -> None:
        self.edit.enter_sends = enter_sends
        hint = (
            "Enter to send, Shift+Enter for a new line"
            if enter_sends
            else ("Ctrl+Enter to send, Enter for a new line")
        )
        self.edit.setToolTip(hint)

    def set_busy(self, busy: bool) -> None:
        """While an answer runs the button stops it; the field stays editable. Up then
        edits no question, as the questions' Edit buttons wait too (the edit could
        not be sent)."""
        self._busy = busy
        self.edit.edits_last = not busy
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
        # A new chat's first question clears the field twice (when its conversation is
        # made, and once sent): clearing an empty field again cost a reset and a paint.
        if not self._blank():
            self.edit.clear()
        self._drafts.pop(self._key, None)
        self._hand_over_draft()

    def switch_draft(self, key: str) -> None:
        """Keep the current draft under its conversation and show the one of ``key``."""
        self.keep_draft()
        text = self.edit.toPlainText()
        if text:
            self._drafts[self._key] = text
        else:
            self._drafts.pop(self._key, None)
        self._key = key
        self._show_draft()

    def restore_drafts(self, drafts: dict[str, str]) -> None:
        """The drafts kept from an earlier run; the current conversation's shows."""
        self._drafts = {key: text for key, text in drafts.items() if text}
        self._show_draft()

    def keep_draft(self) -> None:
        """Hand over a draft still waiting for a pause in typing (before closing)."""
        if self._draft_pause.isActive():
            self._hand_over_draft()

    def _show_draft(self) -> None:
        text = self._drafts.get(self._key, "")
        # An empty field stays as it is for another empty draft: setting it again
        # repainted it, a share of opening a conversation.
        if text or not self._blank():
            self.edit.setPlainText(text)
            self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)
        self._draft_pause.stop()  # nothing typed: nothing to hand over

    def _blank(self) -> bool:
        """The field is empty and has no undo steps (those belong to the conversation
        they were typed in: clearing or setting the text forgets them)."""
        document = self.edit.document()
        return document.isEmpty() and not document.isUndoAvailable()

    def _hand_over_draft(self) -> None:
        self._draft_pause.stop()
        self.draft_changed.emit(self._key, self.edit.toPlainText())

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)
        self.edit.setFocus()
        self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)

    def draft_of(self, key: str) -> str:
        """The draft of the conversation ``key`` as it is now (typed, or kept aside)."""
        if key == self._key:
            return self.edit.toPlainText()
        return self._drafts.get(key, "")

    def drafts(self) -> dict[str, str]:
        current = self.edit.toPlainText()
        drafts = dict(self._drafts)
        if current:
            drafts[self._key] = current
        return drafts
