"""What the window says of answers the history could not take (the disk full, the file
locked): a notice at once, gone once the answer is saved; and a question before
quitting while one is still only in memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.chat.controller import ChatController

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from app.ui.toast import Toast

NOTICE_MS = 2_000_000_000  # until the answer is saved (or the person closes it)
QUIT_QUESTION = "Quit without saving the answer?"
QUIT_DETAILS = (
    "Maestrale could not save an answer yet ({why}). Quitting now loses what of it is "
    "not saved. Copy it first, or cancel and free some space: it is saved as soon as "
    "the history can be written again."
)


class UnsavedNotice(QObject):
    """Shows the controller's save troubles over ``window``, with a Copy button."""

    def __init__(self, window: QWidget, controller: ChatController) -> None:
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._shown: dict[str, Toast] = {}
        self.question: QMessageBox | None = None  # "Quit without saving…?", while asked
        controller.answer_save_trouble.connect(self._on_trouble)

    def _on_trouble(self, conversation_id: str, notice: str) -> None:
        from app.ui.toast import Toast  # not at start-up

        old = self._shown.pop(conversation_id, None)
        if old is not None and old.is_open:
            old.dismiss()
        if not notice:
            return
        self._shown[conversation_id] = Toast.show_message(
            self._window,
            notice,
            "Copy the answer",
            lambda: copy_text(self._controller.unsaved_answer(conversation_id)),
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
        box.setInformativeText(QUIT_DETAILS.format(why=why or "the history cannot be written"))
        quit_button = box.addButton("Quit anyway", QMessageBox.ButtonRole.DestructiveRole)
        copy_button = box.addButton("Copy the answer", QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(copy_button)
        box.setEscapeButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def on_finished(_result: int) -> None:
            self.question = None
            clicked = box.clickedButton()
            if clicked is copy_button:
                copy_text("\n\n".join(self._controller.unsaved_answers()))
            elif clicked is quit_button:
                quit_anyway()

        box.finished.connect(on_finished)
        self.question = box
        box.open()
        return True


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)
