"""What the window says of answers the history could not take (the disk full, the file
locked): a notice at once, gone once the answer is saved; and a question before
quitting while one is still only in memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from app.chat.controller import ChatController
from app.chat.unsaved import BUSY_REASON
from app.ui.clipboard import copy_and_say, copy_text

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from app.ui.toast import Toast

NOTICE_MS = 2_000_000_000  # until the answer is saved (or the person closes it)
QUIT_QUESTION = "Quit without saving the answer?"
QUIT_DETAILS = (
    "Maestrale could not save an answer yet ({why}). Quitting now loses what of it is "
    "not saved. Copy it first, or cancel and {remedy}: it is saved as soon as "
    "the history can be written again."
)
FREE_SPACE = "free some space"
CLOSE_OTHER = "close the other program using the history file"
COPIED = "Copied to the clipboard ({count:,} characters). You can quit now, or cancel."
NOTHING_TO_COPY = "There is nothing to copy: no text of the answer has come yet."
COPIED_SO_FAR = (
    "Copied to the clipboard: only the part received so far ({count:,} characters), as "
    "the answer is still coming. Copy again once it has ended, or cancel and wait for it."
)


class UnsavedNotice(QObject):
    """Shows the controller's save troubles over ``window``, with a Copy button."""

    def __init__(self, window: QWidget, controller: ChatController) -> None:
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._shown: dict[str, Toast] = {}
        self._unsaved: set[str] = set()  # conversations with an answer not saved yet
        self.question: QMessageBox | None = None  # "Quit without saving…?", while asked
        self._quit_when_asked = False  # the answer was saved while the question was open
        controller.answer_save_trouble.connect(self._on_trouble)

    def _on_trouble(self, conversation_id: str, notice: str) -> None:
        from app.ui.toast import Toast  # not at start-up

        old = self._shown.pop(conversation_id, None)
        if old is not None and old.is_open:
            old.dismiss()
        if not notice:
            self._unsaved.discard(conversation_id)
            if self.question is not None and not self._controller.unsaved_answers():
                # Saved while the person was asked: nothing is lost by quitting now, as
                # they wanted (Ctrl+Q, the tray's Quit). The question said it would be.
                self._quit_when_asked = True
                self.question.done(0)
            return
        self._unsaved.add(conversation_id)
        self._shown[conversation_id] = Toast.show_message(
            self._window,
            notice,
            "Copy the answer",
            lambda: copy_and_say(self._window, self._controller.unsaved_answer(conversation_id)),
            timeout_ms=NOTICE_MS,
        )

    def ask_before_quitting(self, quit_anyway: Callable[[], None]) -> bool:
        """Whether quitting waits for the person: an answer is not saved yet. Asked
        with open(), not exec() (a nested loop would run asyncio re-entrantly)."""
        unsaved = self._controller.unsaved_answers()
        if not unsaved:
            return False
        if self.question is not None:
            self.question.raise_()
            return True
        # Imported when first asked: built with the window, this module is on the
        # start-up path, and the message box's type and enums are not needed before.
        from PySide6.QtWidgets import QMessageBox

        why = next(iter(self._controller.save_troubles()), "")
        box = QMessageBox(QMessageBox.Icon.Warning, "Maestrale", QUIT_QUESTION, parent=self._window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        # A lock is not lifted by freeing space (the other program has to let go).
        remedy = CLOSE_OTHER if why == BUSY_REASON else FREE_SPACE
        details = QUIT_DETAILS.format(why=why or "the history cannot be written", remedy=remedy)
        box.setInformativeText(details)
        quit_button = box.addButton("Quit anyway", QMessageBox.ButtonRole.DestructiveRole)
        copy_button = box.addButton("Copy the answer", QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(copy_button)
        box.setEscapeButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Copy leaves the question open, saying what it copied: then Quit or Cancel.
        copy_button.clicked.disconnect()  # the box's own handler, which would close it

        def on_copy() -> None:
            text = "\n\n".join(t for t in self._controller.unsaved_answers() if t)
            if not text:  # never an empty clipboard in place of what the person had
                box.setInformativeText(f"{details}\n\n{NOTHING_TO_COPY}")
                return
            copy_text(text)
            still_coming = any(self._controller.is_streaming(c) for c in self._unsaved)
            copied = COPIED_SO_FAR if still_coming else COPIED
            box.setInformativeText(f"{details}\n\n{copied.format(count=len(text))}")
            # QA: the shorter name made the box 35 px narrower once laid out again, its
            # buttons moved under the pointer. The button keeps its width, so the box does.
            copy_button.setMinimumWidth(copy_button.width())
            copy_button.setText("Copy again")

        def on_finished(_result: int) -> None:
            self.question = None
            saved_meanwhile, self._quit_when_asked = self._quit_when_asked, False
            if saved_meanwhile or box.clickedButton() is quit_button:
                quit_anyway()

        copy_button.clicked.connect(on_copy)

        box.finished.connect(on_finished)
        self.question = box
        box.open()
        return True
