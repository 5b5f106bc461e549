"""A question edited in place: its editor opened (by Edit and resend, on an edit that
could not be sent, or on one kept from another conversation, see KeptEdits), then sent
as a new version or cancelled.

Part of MessageItem, as a mixin: it works on the item's message, text and action row
(declared below for the type checker; the item defines them). The editor itself is
QuestionEditor, loaded with the first edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from app.domain.messages import Message, Role

if TYPE_CHECKING:
    from app.ui.transcript.question_editor import QuestionEditor
    from app.ui.transcript.text_view import MessageText

    _Item = QFrame
else:
    _Item = object


class ItemEditing(_Item):
    # The item's; declared for the type checker.
    message: Message
    text: MessageText
    _bubble_layout: QVBoxLayout
    _editor: QuestionEditor | None

    if TYPE_CHECKING:
        edit_submitted = Signal(str, str)
        height_changed = Signal()
        edit_closed = Signal()

        def _show_action_row(self, shown: bool) -> None: ...
        def _hide_fold(self, hidden: bool) -> None: ...

    @property
    def editing(self) -> bool:
        """The question is open for editing (its editor holds the user's text)."""
        return self._editor is not None

    @property
    def editor(self) -> QWidget | None:
        """The question's editor while it is open."""
        return self._editor

    @property
    def edited_text(self) -> str | None:
        """The text in the question's editor (``None``: not being edited)."""
        return self._editor.field.toPlainText() if self._editor is not None else None

    def start_editing(self) -> None:
        self.edit_again(self.message.content)

    def edit_again(self, text: str, *, focus: bool = True) -> None:
        """Open the question's editor on ``text`` (an edit that could not be sent, or
        one left in another conversation: then without the keyboard)."""
        if self.message.role is not Role.USER or self._editor is not None:
            return
        from app.ui.transcript.question_editor import QuestionEditor  # on first edit

        editor = QuestionEditor(text)
        editor.submitted.connect(self._submit_edit)
        editor.cancelled.connect(self._cancel_edit)
        editor.height_changed.connect(self.height_changed)
        self._editor = editor
        self.text.setVisible(False)
        self._hide_fold(True)  # "Show all" of a long question: the editor holds it whole
        # Copy and Edit meant the text now in the editor: its own buttons act instead.
        self._show_action_row(False)
        self._bubble_layout.addWidget(editor)
        if focus:
            editor.focus()
        self.height_changed.emit()

    def _submit_edit(self, text: str) -> None:
        self._cancel_edit()
        if text != self.message.content:  # the same text again: nothing to branch
            self.edit_submitted.emit(self.message.id, text)

    def _cancel_edit(self) -> None:
        if self._editor is not None:
            had_focus = self._editor.isAncestorOf(self.window().focusWidget())
            self._editor.deleteLater()
            self._editor = None
            self.text.setVisible(True)
            self._hide_fold(False)
            self._show_action_row(True)
            self.height_changed.emit()
            if had_focus:
                # Deleted with the keyboard in it, the editor would leave it nowhere.
                self.edit_closed.emit()
